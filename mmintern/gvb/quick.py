"""Shrink a GV-B dataset config into a quick pipeline check.

``tools/gvb.py --quick`` runs every selected dataset with a few training
iterations on small images: it proves that data, protocol, backbone and
metrics fit together (the GV-B part of ``make demo``), in seconds per dataset
on a CPU. Its numbers are not benchmark results.
"""
from mmengine.config import Config

QUICK_ITERS = 4
QUICK_SIDE = 64


def walk_dicts(node, visit) -> None:
    """Call ``visit`` on every dict inside ``node`` (dicts and lists)."""
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            walk_dicts(value, visit)
    elif isinstance(node, (list, tuple)):
        for value in node:
            walk_dicts(value, visit)


def _shrink_step(step: dict) -> None:
    side = QUICK_SIDE
    kind = step.get('type')
    if kind in ('Resize', 'RandomResize'):
        step['scale'] = (side * 3 // 2, side)
    elif kind == 'ResizeEdge':
        step['scale'] = side
    elif kind == 'CenterCrop':
        step['crop_size'] = side
    elif kind == 'RandomCrop' and 'crop_size' in step:
        step['crop_size'] = (side, side)
    elif kind == 'Pad' and 'size' in step:
        step['size'] = (side, side)


def quick_config(cfg: Config) -> Config:
    """Few iterations, small images, batch 2, no workers, in place."""
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(key)
        if not loader or loader.get('dataset') is None:
            continue
        walk_dicts(loader.dataset, _shrink_step)
        loader.batch_size = 2
        loader.num_workers = 0
        loader.persistent_workers = False
    preprocessor = cfg.model.get('data_preprocessor') or {}
    if 'size' in preprocessor:  # mmseg pads to its crop size
        preprocessor['size'] = (QUICK_SIDE, QUICK_SIDE)
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=QUICK_ITERS,
                         val_interval=QUICK_ITERS)
    cfg.param_scheduler = []
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', by_epoch=False,
                                        interval=QUICK_ITERS)
    cfg.default_hooks.logger = dict(type='LoggerHook', interval=1)
    cfg.log_processor = dict(by_epoch=False)
    return cfg
