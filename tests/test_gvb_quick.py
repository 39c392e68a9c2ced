"""tools/gvb.py --quick shrinks every protocol the same way."""
import os.path as osp

import pytest
from mmengine.config import Config

from mmintern.gvb.quick import (QUICK_ITERS, QUICK_SIDE, quick_config,
                                 walk_dicts)
from _utils import REPO


def steps(cfg, key):
    found = []
    walk_dicts(cfg[key].dataset,
               lambda node: found.append(node) if 'type' in node else None)
    return found


@pytest.mark.parametrize('config', [
    'classification/cifar10.py', 'detection/voc0712.py',
    'segmentation/voc2012.py', 'depth/nyuv2.py'
])
def test_quick_config_is_small_everywhere(config):
    cfg = quick_config(Config.fromfile(osp.join(REPO, 'configs/gvb', config)))
    assert cfg.train_cfg.max_iters == QUICK_ITERS
    assert cfg.param_scheduler == []
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[key].batch_size == 2 and cfg[key].num_workers == 0
        for step in steps(cfg, key):
            for field in ('scale', 'crop_size', 'size'):
                value = step.get(field)
                if step['type'] in ('Resize', 'RandomResize', 'ResizeEdge',
                                    'CenterCrop', 'RandomCrop', 'Pad') \
                        and value is not None:
                    sizes = value if isinstance(value, (list, tuple)) \
                        else [value]
                    assert max(sizes) <= QUICK_SIDE * 3 // 2, (key, step)
