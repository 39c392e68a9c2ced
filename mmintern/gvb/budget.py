"""GV-B's stated budgets on any number of processes.

A dense protocol config states ``total_batch``, the images of one optimizer
step (16 for GV-B's detection and segmentation), next to its per-process
``train_dataloader.batch_size`` and its schedule (epochs, or iterations =
optimizer steps). On ``N`` processes :func:`apply_budget` sets
``optim_wrapper.accumulative_counts = total_batch / (N x batch_size)``, so
the learning rate stays the one stated for ``total_batch``. mmengine counts
every micro-batch as an iteration, so with an accumulation of ``k`` every
iteration count of the schedule (``max_iters``, iteration-based schedulers,
warm-ups, checkpoint intervals) is multiplied by ``k``: ``k`` micro-batches
are one stated step. Epoch counts do not change: an epoch is one pass over
the split whatever the batch.
"""
import math
from typing import Optional

from mmengine.config import Config

__all__ = ['apply_budget', 'images_seen']

_ITER_KEYS = ('begin', 'end', 'T_max')


def _scale_scheduler(scheduler: dict, factor: int) -> None:
    if scheduler.get('by_epoch', True):
        return
    for key in _ITER_KEYS:
        value = scheduler.get(key)
        if isinstance(value, int):
            scheduler[key] = value * factor
    if 'milestones' in scheduler:
        scheduler['milestones'] = [m * factor
                                   for m in scheduler['milestones']]


def apply_budget(cfg: Config, num_processes: int) -> Optional[dict]:
    """Keep the config's ``total_batch`` on ``num_processes``, in place.

    Args:
        cfg (Config): A GV-B dataset config as the runner resolved it.
        num_processes (int): The processes that train it (torchrun's N).

    Returns:
        dict | None: The budget as run (``total_batch``,
        ``batch_per_process``, ``processes``, ``accumulation`` and
        ``epochs`` or ``steps``); None for a config that states no
        ``total_batch``.

    With more processes than the stated layout needs, each gets
    ``total_batch / N`` images.

    Raises:
        ValueError: When no whole accumulation keeps ``total_batch``.
    """
    total = cfg.get('total_batch')
    if total is None:
        return None
    per_process = cfg.train_dataloader.batch_size
    if num_processes < 1:
        raise ValueError(f'need at least one process, got {num_processes}')
    if per_process * num_processes > total and total % num_processes == 0:
        # More processes than the stated layout (8 GPUs for a 4 x 4
        # protocol): fewer images on each keeps the total.
        per_process = cfg.train_dataloader.batch_size = total // num_processes
    step = per_process * num_processes
    if step > total or total % step:
        raise ValueError(
            f'total_batch={total} is not a multiple of {num_processes} '
            f'processes x batch_size {per_process}; set '
            'train_dataloader.batch_size (--cfg-options) to a divisor of '
            f'{total // math.gcd(total, num_processes)}')
    factor = total // step
    if factor > 1:
        cfg.optim_wrapper.accumulative_counts = factor
        train_cfg = cfg.train_cfg
        for key in ('max_iters', 'val_interval'):
            if 'max_iters' in train_cfg and key in train_cfg:
                train_cfg[key] *= factor
        schedulers = cfg.get('param_scheduler') or []
        for scheduler in (schedulers if isinstance(schedulers, list)
                          else [schedulers]):
            _scale_scheduler(scheduler, factor)
        checkpoint = (cfg.get('default_hooks') or {}).get('checkpoint')
        if checkpoint and not checkpoint.get('by_epoch', True):
            checkpoint.interval *= factor
    budget = dict(total_batch=total, batch_per_process=per_process,
                  processes=num_processes, accumulation=factor)
    if 'max_epochs' in cfg.train_cfg:
        budget['epochs'] = cfg.train_cfg.max_epochs
    else:
        budget['steps'] = cfg.train_cfg.max_iters // factor
    return budget


def images_seen(cfg: Config, num_processes: int, split_size: int) -> int:
    """How many training images a resolved config runs through.

    Epoch loops: ``max_epochs`` passes over the ``split_size`` images (the
    sampler shares them out over the processes). Iteration loops:
    ``max_iters`` micro-batches of ``batch_size`` on each process.
    """
    if 'max_epochs' in cfg.train_cfg:
        return cfg.train_cfg.max_epochs * split_size
    return cfg.train_cfg.max_iters * cfg.train_dataloader.batch_size * \
        num_processes
