"""What a searched architecture is worth: a cost, an accuracy, a reward.

:class:`MnasReward` is MnasNet's (Tan et al., 2019): ``accuracy x (cost /
target) ** w`` with ``w = alpha`` at or under the target and ``beta`` over
it; MnasNet's soft constraint is ``alpha = beta = -0.07``, its hard one
``alpha = 0, beta = -1``. A network over ``max_ratio`` x the target gets
reward 0 and is not trained at all (the expensive part): it is
``rejected``, which ``run_search`` does not count against the budget. Its
parts are built from this registry: a cost (:class:`MACsCost`,
:class:`LatencyCost`) and an accuracy proxy (:class:`DistillProbeAccuracy`).
"""
import hashlib
import json
import os
import os.path as osp
import shlex
import statistics
import subprocess
import sys
import time
from typing import Dict, Optional, Sequence

import torch

from mmintern.engine.hooks.linear_probe_hook import PROBE_FILE
from mmintern.models.backbones.metanet_arch import MetaNetCfg
from mmintern.registry import REWARDS
from mmintern.utils.data_root import REPO as ROOT
from .arch_config import arch_config


def _network(cfg: MetaNetCfg) -> torch.nn.Module:
    from mmintern.models.backbones import MetaNet
    return MetaNet(arch=cfg, out_indices=(len(cfg.stages), )).eval()


@REWARDS.register_module()
class MACsCost:
    """Multiply-adds of the backbone at ``input_size`` (mmengine's analysis,
    as ``tools/analysis_tools/get_flops.py`` counts them)."""

    def __init__(self, input_size: int = 224):
        self.input_size = input_size
        self._cache: Dict[MetaNetCfg, float] = {}

    def __call__(self, cfg: MetaNetCfg) -> float:
        if cfg not in self._cache:
            self._cache[cfg] = count_macs(_network(cfg), self.input_size)
        return self._cache[cfg]


def count_macs(model: torch.nn.Module, input_size: int) -> float:
    """mmengine's multiply-add count of ``model`` on one square image."""
    from mmengine.analysis import FlopAnalyzer
    analyzer = FlopAnalyzer(model, torch.zeros(1, 3, input_size, input_size))
    # The ops without a count (norms' statistics, pooling) are mmengine's
    # choice, the same for every network: no warning per network.
    analyzer.unsupported_ops_warnings(False)
    analyzer.uncalled_modules_warnings(False)
    return float(analyzer.total())


@REWARDS.register_module()
class LatencyCost:
    """Measured CPU latency (seconds per image, batch 1) of the backbone at
    ``input_size``: the median of ``repeats`` runs after ``warmup``, on
    ``threads`` threads. Machine-dependent: state the machine with it."""

    def __init__(self, input_size: int = 224, threads: int = 1,
                 warmup: int = 2, repeats: int = 5):
        self.input_size, self.threads = input_size, threads
        self.warmup, self.repeats = warmup, repeats

    def __call__(self, cfg: MetaNetCfg) -> float:
        model = _network(cfg)
        x = torch.zeros(1, 3, self.input_size, self.input_size)
        before = torch.get_num_threads()
        torch.set_num_threads(self.threads)
        try:
            times = []
            with torch.no_grad():
                for i in range(self.warmup + self.repeats):
                    start = time.perf_counter()
                    model(x)
                    if i >= self.warmup:
                        times.append(time.perf_counter() - start)
        finally:
            torch.set_num_threads(before)
        return statistics.median(times)


@REWARDS.register_module()
class MnasReward:
    """``accuracy x (cost / target) ** w`` (see the module docstring).

    Args:
        accuracy (dict): The accuracy proxy (a REWARDS type called with the
            network config and the decisions, returning a number).
        target (float): The cost aimed at, in the cost's unit.
        cost (dict): The cost (a REWARDS type). Defaults to MACs at 224 px.
        alpha (float): The exponent at or under the target.
        beta (float): The exponent over it.
        max_ratio (float, optional): Over ``max_ratio x target`` the reward
            is 0 and the accuracy is not measured.
    """

    def __init__(self, accuracy: dict, target: float,
                 cost: Optional[dict] = None, alpha: float = -0.07,
                 beta: float = -0.07, max_ratio: Optional[float] = None):
        self.accuracy = REWARDS.build(accuracy)
        self.cost = REWARDS.build(cost or dict(type='MACsCost'))
        if target <= 0:
            raise ValueError(f'target must be positive, got {target}')
        self.target, self.alpha, self.beta = target, alpha, beta
        self.max_ratio = max_ratio

    def __call__(self, cfg: MetaNetCfg, decisions: Sequence[int]) -> dict:
        cost = self.cost(cfg)
        ratio = cost / self.target
        if self.max_ratio is not None and ratio > self.max_ratio:
            return dict(reward=0., cost=cost, accuracy=None, rejected=True,
                        note=f'cost {ratio:.2f} x target, over max_ratio '
                        f'{self.max_ratio}: not trained')
        accuracy = float(self.accuracy(cfg, decisions))
        w = self.alpha if ratio <= 1 else self.beta
        return dict(reward=accuracy * ratio**w, cost=cost, accuracy=accuracy)


TRAIN_COMMAND = '{python} {root}/tools/train.py {config} --work-dir ' \
    '{work_dir} --resume'


@REWARDS.register_module()
class DistillProbeAccuracy:
    """The proxy accuracy of a network: one ``tools/train.py`` run of
    ``config`` with the network as its student, which ends with the
    ``LinearProbeHook`` top-1 in ``probe.json``
    (``configs/search/_base_/proxy_distill_tinyimagenet.py``).

    Each candidate is its own run in ``<work_dir>/<proxy>/<decisions>/``,
    where ``<proxy>`` is a hash of the resolved proxy config (an edited
    proxy task never reuses the results of the old one): the config
    written there (``candidate.py``: ``config`` with
    ``model.backbone.arch`` set), its log (``run.log``) and checkpoints. A
    run that has written ``probe.json`` is not run again (an architecture
    the searcher proposes twice, or a resumed search); one that was killed
    resumes from its last checkpoint (``--resume``).

    Args:
        config (str): The proxy task, relative to the repository root or
            absolute.
        work_dir (str): The folder of the candidate runs; ``tools/search.py``
            sets ``<search work dir>/candidates``.
        command (str): How a run is launched, formatted with ``python``,
            ``root`` (the repository), ``config`` and ``work_dir``; it must
            return when the run has ended. The default runs it here; on a
            cluster, e.g. ``'srun -p PART --gres=gpu:1 {python}
            {root}/tools/train.py {config} --work-dir {work_dir} --resume
            --launcher slurm'``.
    """

    def __init__(self, config: str, work_dir: str,
                 command: str = TRAIN_COMMAND):
        self.config = config if osp.isabs(config) else osp.join(ROOT, config)
        if not osp.isfile(self.config):
            raise FileNotFoundError(f'no proxy task config at {self.config}')
        self.work_dir, self.command = work_dir, command
        from mmengine.config import Config
        text = Config.fromfile(self.config).pretty_text
        self.proxy_hash = hashlib.sha256(text.encode()).hexdigest()[:8]

    def run_dir(self, decisions: Sequence[int]) -> str:
        """The folder of the run that scores ``decisions``."""
        return osp.abspath(osp.join(self.work_dir, self.proxy_hash,
                                    '-'.join(map(str, decisions))))

    def __call__(self, cfg: MetaNetCfg, decisions: Sequence[int]) -> float:
        run_dir = self.run_dir(decisions)
        result = osp.join(run_dir, PROBE_FILE)
        if not osp.isfile(result):
            os.makedirs(run_dir, exist_ok=True)
            config = osp.join(run_dir, 'candidate.py')
            with open(config, 'w', encoding='utf-8') as f:
                f.write(arch_config(self.config, cfg))
            command = self.command.format(
                python=shlex.quote(sys.executable), root=shlex.quote(ROOT),
                config=shlex.quote(config), work_dir=shlex.quote(run_dir))
            log = osp.join(run_dir, 'run.log')
            with open(log, 'a', encoding='utf-8') as f:
                code = subprocess.call(shlex.split(command), stdout=f,
                                       stderr=subprocess.STDOUT, cwd=ROOT)
            if code != 0 or not osp.isfile(result):
                with open(log, encoding='utf-8') as f:
                    tail = ''.join(f.readlines()[-15:])
                raise RuntimeError(
                    f'the proxy run of {decisions} ended with code {code} '
                    f'and no {PROBE_FILE}; {log} ends:\n{tail}')
        with open(result, encoding='utf-8') as f:
            return float(json.load(f)['top1'])
