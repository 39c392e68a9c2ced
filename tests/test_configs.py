"""Every config in configs/ builds its model from the file and runs."""
import copy
import functools
import glob
import os.path as osp
import re

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
    # and tests/test_declip_model.py run them; tests/test_pretrained.py runs
    # the EfficientNet-Lite configs with their real weights,
    # tests/test_distill.py the distillation configs, tests/test_search.py
    # the search configs (no model: a searcher, a reward, a budget),
    # tests/test_vqgan.py the MF configs.
    if '_base_' not in p and osp.join('configs', 'gvb') not in p
    and osp.join('configs', 'intern') not in p
    and osp.join('configs', 'efficientnet_lite') not in p
    and osp.join('configs', 'distill') not in p
    and osp.join('configs', 'search') not in p
    and osp.join('configs', 'mf') not in p)


# B8-B15 hold 0.12-1 billion parameters: allocating and initialising them
# on the CPU for a 64-px forward takes most of this file's time. They are
# built on the meta device (shapes only), their forward checked for shape,
# and their size checked against the table in docs/metanet.md.
META_ARCHS = {f'b{i}' for i in range(8, 16)}


def documented_params() -> dict:
    """arch -> parameters (M) of the classifier, from docs/metanet.md."""
    rows = {}
    with open(osp.join(REPO, 'docs', 'metanet.md')) as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip('|').split('|')]
            if len(cells) == 7 and re.fullmatch(r'b\d+( \(released\))?',
                                                cells[0]):
                rows[cells[0].split()[0]] = float(cells[5])
    return rows


@functools.lru_cache(maxsize=None)
def parsed(config: str) -> Config:
    """Each config file parsed once per session (mmdet / mmseg configs
    resolve several base files); callers get a copy."""
    return Config.fromfile(osp.join(REPO, config))


def build(config: str, device: str = 'cpu'):
    cfg = copy.deepcopy(parsed(config))
    assert cfg.custom_imports == dict(imports=['mmintern'],
                                      allow_failed_imports=False)
    init_default_scope(cfg.get('default_scope', 'mmengine'))
    with torch.device(device):
        return cfg, MODELS.build(cfg.model).eval()


def on_meta(cfg) -> bool:
    arch = cfg.model.backbone.get('arch')  # a name, or a search-space dict
    return isinstance(arch, str) and arch in META_ARCHS


def test_every_config_is_covered():
    assert len(CONFIGS) >= 22
    # The table the meta-device configs are checked against is complete.
    assert set(documented_params()) == {f'b{i}' for i in range(1, 16)}
    assert sum(on_meta(parsed(c)) for c in CONFIGS) == len(META_ARCHS)
    assert {c.split(osp.sep)[1] for c in CONFIGS} == {
        'metanet', 'mmdet', 'mmseg', 'demo', 'metanet_retinanet'}


@pytest.mark.parametrize('config', CONFIGS)
def test_config_builds_and_runs_forward(config):
    device = 'meta' if on_meta(parsed(config)) else 'cpu'
    cfg, model = build(config, device)
    assert cfg.model.backbone.type in ('MetaNet', 'UpGGeneralist')
    kind = cfg.get('default_scope')
    size = 64 if kind == 'mmpretrain' else 128
    x = torch.randn(1, 3, size, size, device=device)
    if device == 'meta':
        arch = cfg.model.backbone.arch
        params = sum(p.numel() for p in model.parameters()) / 1e6
        assert params == pytest.approx(documented_params()[arch], abs=0.01)
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
