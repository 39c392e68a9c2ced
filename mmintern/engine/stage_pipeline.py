"""The stages of an INTERN pipeline: where each writes, what it ends with,
and which earlier stage each of its ``LoadStageCheckpointHook`` loads.

What ``tools/intern_pipeline.py`` decides before it runs anything, and
the budget that the stage tools give every stage.
"""
import os.path as osp

from mmengine.config import Config

HOOK_TYPE = 'LoadStageCheckpointHook'


def stage_work_dir(cfg: Config, config: str, root=None) -> str:
    """``<root>/<config name>``; without a root, the config's
    ``work_dir`` or ``work_dirs/<config name>``, as tools/train.py does."""
    name = stage_name(config)
    if root is not None:
        return osp.join(root, name)
    return cfg.get('work_dir') or osp.join('./work_dirs', name)


def final_checkpoint(cfg: Config, work_dir: str) -> str:
    """CheckpointHook's name for the last one: ``iter_<max_iters>.pth``
    (``epoch_<max_epochs>.pth`` for epoch-based training)."""
    train_cfg = cfg.get('train_cfg') or {}
    by_epoch = train_cfg.get('by_epoch', True) and \
        'IterBased' not in str(train_cfg.get('type', ''))
    if by_epoch:
        return osp.join(work_dir, f'epoch_{train_cfg["max_epochs"]}.pth')
    return osp.join(work_dir, f'iter_{train_cfg["max_iters"]}.pth')


def budget_options(iters: int) -> list:
    """``--cfg-options`` that give a stage config of ``configs/intern``
    ``iters`` iterations: the loop, the cosine schedule stretched to it
    (``T_max``) and one checkpoint, the final one."""
    if iters < 1:
        raise ValueError(f'iters must be positive, got {iters}')
    return [f'train_cfg.max_iters={iters}', f'param_scheduler.0.T_max={iters}',
            f'default_hooks.checkpoint.interval={iters}']


def stage_name(config: str) -> str:
    """A stage's name: its config file name without ``.py``."""
    return osp.splitext(osp.basename(config))[0]


def stage_hooks(cfg: Config) -> list:
    """``(index in custom_hooks, source stage or None, configured
    checkpoint)`` of each LoadStageCheckpointHook."""
    hooks = []
    for i, hook in enumerate(cfg.get('custom_hooks') or []):
        kind = hook.get('type') if isinstance(hook, dict) else None
        kind = getattr(kind, '__name__', kind)
        if isinstance(kind, str) and kind.split('.')[-1] == HOOK_TYPE:
            hooks.append((i, hook.get('stage'), hook.get('checkpoint')))
    return hooks


def resolve_sources(stages: list) -> list:
    """For each stage, ``(hook index, source stage position)`` of the hooks
    that the pipeline fills; checked before anything runs."""
    names = [stage_name(config) for config, *_ in stages]
    sources = []
    for pos, (config, cfg, _, _) in enumerate(stages):
        filled = []
        hooks = stage_hooks(cfg)
        if pos > 0 and not hooks:
            raise KeyError(f'{config} has no {HOOK_TYPE} in custom_hooks to '
                           'take an earlier stage\'s checkpoint')
        for index, stage, checkpoint in hooks:
            if stage is None and pos > 0:
                filled.append((index, pos - 1))
            elif stage in names[:pos]:
                filled.append((index, names.index(stage)))
            elif checkpoint is None:
                where = f'stage {stage!r}' if stage else 'a previous stage'
                raise ValueError(
                    f'{config}: custom_hooks.{index} loads {where}, which is '
                    f'not before it in the pipeline ({names[:pos] or "none"})'
                    ' and the config gives no checkpoint')
        sources.append(filled)
    return sources
