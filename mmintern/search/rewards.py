"""What a searched architecture is worth: a cost, an accuracy, a reward.

:class:`MnasReward` is MnasNet's (Tan et al., 2019): ``accuracy x (cost /
target) ** w`` with ``w = alpha`` at or under the target and ``beta`` over
it; MnasNet's soft constraint is ``alpha = beta = -0.07``, its hard one
``alpha = 0, beta = -1``. A network over ``max_ratio`` x the target gets
reward 0 and is not trained at all (the expensive part). Its parts are
built from this registry: a cost (:class:`MACsCost`, :class:`LatencyCost`)
and an accuracy proxy.
"""
import time
from typing import Dict, Optional, Sequence

import torch

from mmintern.models.backbones.metanet_arch import MetaNetCfg
from mmintern.registry import REWARDS


def _network(cfg: MetaNetCfg) -> torch.nn.Module:
    from mmintern.models.backbones import MetaNet
    return MetaNet(arch=cfg, out_indices=(len(cfg.stages), )).eval()


@REWARDS.register_module()
class MACsCost:
    """Multiply-adds of the backbone at ``input_size`` (mmengine's analysis,
    as ``tools/analysis_tools/get_flops.py`` counts them)."""

    def __init__(self, input_size: int = 224):
        self.input_size = input_size
        self._cache: Dict[tuple, float] = {}

    def __call__(self, cfg: MetaNetCfg) -> float:
        key = repr(cfg)
        if key not in self._cache:
            from mmengine.analysis import get_model_complexity_info
            result = get_model_complexity_info(
                _network(cfg), input_shape=(3, self.input_size,
                                            self.input_size),
                show_table=False, show_arch=False)
            self._cache[key] = float(result['flops'])
        return self._cache[key]


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
        return sorted(times)[len(times) // 2]


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
            return dict(reward=0., cost=cost, accuracy=None,
                        note=f'cost {ratio:.2f} x target, over max_ratio '
                        f'{self.max_ratio}: not trained')
        accuracy = float(self.accuracy(cfg, decisions))
        w = self.alpha if ratio <= 1 else self.beta
        return dict(reward=accuracy * ratio**w, cost=cost, accuracy=accuracy)
