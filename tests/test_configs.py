"""Every config in configs/ builds its model from the file and runs."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import MODELS, init_default_scope

from _utils import REPO

CONFIGS = sorted(
    osp.relpath(p, REPO) for pattern in ('configs/**/*.py',
                                         'projects/*/configs/*.py')
    for p in glob.glob(osp.join(REPO, pattern), recursive=True)
    # GV-B and INTERN-stage configs need their data: tests/test_gvb_*.py
    # and tests/test_declip_model.py run them.
    if '_base_' not in p and osp.join('configs', 'gvb') not in p
    and osp.join('configs', 'intern') not in p)


def build(config: str):
    cfg = Config.fromfile(osp.join(REPO, config))
    assert cfg.custom_imports == dict(imports=['mmintern'],
                                      allow_failed_imports=False)
    init_default_scope(cfg.get('default_scope', 'mmengine'))
    return cfg, MODELS.build(cfg.model).eval()


def test_every_config_is_covered():
    assert len(CONFIGS) >= 22
    assert {c.split(osp.sep)[1] for c in CONFIGS} == {
        'metanet', 'mmdet', 'mmseg', 'demo', 'metanet_retinanet'}


@pytest.mark.parametrize('config', CONFIGS)
def test_config_builds_and_runs_forward(config):
    cfg, model = build(config)
    assert cfg.model.backbone.type in ('MetaNet', 'UpGGeneralist')
    kind = cfg.get('default_scope')
    size = 64 if kind == 'mmpretrain' else 128
    x = torch.randn(1, 3, size, size)
    with torch.no_grad():
        if kind == 'mmpretrain':
            logits = model(x, mode='tensor')
            assert logits.shape == (1, cfg.model.head.num_classes)
        elif kind == 'mmseg':
            logits = model(x, mode='tensor')
            in_index = cfg.model.decode_head.in_index
            stride = (4, 8, 16, 32)[min(in_index) if isinstance(
                in_index, (list, tuple)) else in_index]
            assert logits.shape == (1, cfg.model.decode_head.num_classes,
                                    size // stride, size // stride)
        else:
            from mmdet.structures import DetDataSample
            sample = DetDataSample(metainfo=dict(
                img_shape=(size, size), ori_shape=(size, size),
                scale_factor=(1., 1.), pad_shape=(size, size),
                batch_input_shape=(size, size)))
            feats = model.extract_feat(x)
            first = 8 if cfg.model.type == 'RetinaNet' else 4
            assert [f.shape[-1] for f in feats] == [
                size // (first * 2**i) for i in range(5)]
            (result, ) = model.predict(x, [sample])
            assert result.pred_instances.bboxes.shape[-1] == 4
