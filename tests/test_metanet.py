"""MetaNet as a user meets it: named archs, sizes, the backbone contract."""
import pytest
import torch
import torch.nn as nn
from mmengine.analysis import get_model_complexity_info
from mmengine.config import Config
from mmengine.registry import MODELS, init_default_scope

import mmintern  # noqa: F401
from mmintern.models import METANET_ARCHS, MetaNet
from _utils import config_path


def build_classifier(arch: str):
    cfg = Config.fromfile(config_path('metanet', 'metanet-b4_8xb128_in1k.py'))
    cfg.model.backbone.arch = arch
    init_default_scope('mmpretrain')
    return MODELS.build(cfg.model).eval()


def count_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def test_b4_matches_the_released_size():
    model = build_classifier('b4')
    info = get_model_complexity_info(model, (3, 224, 224), show_table=False,
                                     show_arch=False)
    assert info['params'] == count_params(model)
    assert abs(info['params'] / 31.7e6 - 1) < 0.005
    assert abs(info['flops'] / 3.17e9 - 1) < 0.03


def test_b7_near_the_reported_size():
    model = build_classifier('b7')
    info = get_model_complexity_info(model, (3, 224, 224), show_table=False,
                                     show_arch=False)
    assert abs(info['params'] / 100.2e6 - 1) < 0.02
    assert abs(info['flops'] / 7.26e9 - 1) < 0.02


def test_family_grows_monotonically_and_b15_is_about_one_billion():
    sizes = []
    for name in [f'b{i}' for i in range(1, 16)]:
        with torch.device('meta'):
            sizes.append(count_params(MetaNet(name)))
    assert sizes == sorted(sizes) and len(set(sizes)) == 15
    assert 0.95e9 < sizes[-1] < 1.05e9


def test_released_macro_layout():
    b4, b15 = METANET_ARCHS['b4'], METANET_ARCHS['b15']
    assert [s.depth for s in b4.stages] == [2, 3, 6, 6, 6, 12]
    assert [s.width for s in b4.stages] == [32, 64, 128, 192, 192, 384]
    assert [s.block for s in b4.stages] == ['mbconv'] * 4 + ['mhsa'] * 2
    assert (b4.stem_width, b4.head_dim) == (32, 48)
    assert [s.depth for s in b15.stages] == [4, 6, 12, 12, 12, 24]
    assert [s.width for s in b15.stages] == [128, 256, 512, 768, 768, 1536]
    assert [s.block for s in b15.stages] == (['fused_mbconv'] * 2 +
                                             ['mbconv'] * 2 + ['xca'] * 2)
    assert (b15.stem_width, b15.head_dim, b15.drop_path_rate) == (96, 64, .3)
    for arch in (b4, b15):
        assert [s.stride for s in arch.stages] == [1, 2, 2, 2, 1, 2]
        assert [s.expansion for s in arch.stages] == [1, 4, 6, 3, 2, 5]


@pytest.mark.parametrize('size', [(224, 224), (97, 130)])
def test_dense_outputs_at_strides_4_8_16_32_any_resolution(size):
    model = MetaNet('b1', out_indices=(1, 2, 4, 5)).eval()
    assert model.head is None  # not requested, not built
    h, w = size
    with torch.no_grad():
        outs = model(torch.randn(2, 3, h, w))
    widths = [32, 64, 96, 192]
    for out, stride, width in zip(outs, (4, 8, 16, 32), widths):
        assert out.shape == (2, width, -(-h // stride), -(-w // stride))
        # MetaNet runs channels-last inside but hands out plain NCHW:
        # mmcv's CPU RoIAlign mis-reads channels-last maps.
        assert out.is_contiguous()


def test_pooled_head_feature_is_1280d():
    model = MetaNet('b1').eval()
    with torch.no_grad():
        (feat, ) = model(torch.randn(2, 3, 64, 64))
    assert feat.shape == (2, 1280)
    assert MetaNet('b1', out_indices=(5, 6)).out_indices == (5, 6)


def test_unknown_arch_lists_the_valid_names():
    with pytest.raises(KeyError, match=r"unknown MetaNet arch 'b99'.*'b1'"):
        MetaNet('b99')


@pytest.mark.parametrize('arch, message', [
    (dict(stem_width=8, stages=[dict(block='conv', depth=1, width=8,
                                     expansion=1)]), 'unknown block type'),
    (dict(stem_width=8, stages=[dict(block='mbconv', depth=1, width=8,
                                     expansion=1, downsampler='pool')]),
     'unknown downsampler'),
    (dict(stem_width=8, stages=[dict(block='mbconv', depth=1, width=8,
                                     expansion=1, kernel=5)]),
     r"unknown keys \['kernel'\]"),
    (dict(stem_width=8, head_dim=32, stages=[
        dict(block='mhsa', depth=1, width=48, expansion=1)]),
     'width 8 is not a multiple of head_dim 32'),
])
def test_bad_arch_dicts_name_the_problem(arch, message):
    with pytest.raises((KeyError, ValueError), match=message):
        MetaNet(arch)


def test_out_indices_out_of_range():
    with pytest.raises(IndexError, match='pooled head vector is 6'):
        MetaNet('b1', out_indices=(7, ))


def test_every_block_type_and_downsampler_runs_and_trains():
    stage = dict(expansion=2, stride=2)
    arch = dict(stem_width=16, head_dim=16, stages=[
        dict(block='fused_mbconv', depth=2, width=16, expansion=1, stride=1),
        dict(block='mbconv', depth=1, width=32, downsampler='l_dsm', **stage),
        dict(block='mixer', depth=2, width=32, **stage),
        dict(block='xca', depth=2, width=48, downsampler='lg_dsm', **stage),
        dict(block='mhsa', depth=2, width=64, downsampler='g_dsm', **stage),
    ])
    model = MetaNet(arch, out_indices=(1, 2, 3, 4, 5))
    outs = model(torch.randn(2, 3, 75, 64))
    assert [tuple(o.shape[1:]) for o in outs[:-1]] == [
        (32, 19, 16), (32, 10, 8), (48, 5, 4), (64, 3, 2)]
    sum(o.float().mean() for o in outs).backward()
    assert all(p.grad is not None for p in model.parameters())


def test_frozen_stages_and_norm_eval():
    model = MetaNet('b1', frozen_stages=2, norm_eval=True).train()
    for name, param in model.named_parameters():
        frozen = name.startswith(('stem.', 'stages.0.', 'stages.1.'))
        assert param.requires_grad is not frozen, name
    assert not model.stem.training and not model.stages[1].training
    assert model.stages[2].training
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    assert bns and not any(m.training for m in bns)
    full = MetaNet('b1', frozen_stages=7)
    assert not any(p.requires_grad for p in full.parameters())
    with pytest.raises(ValueError, match=r'frozen_stages must be in \[-1, 7\]'):
        MetaNet('b1', frozen_stages=8)


def test_with_cp_gives_the_same_outputs_and_gradients():
    torch.manual_seed(0)
    plain = MetaNet('b1', out_indices=(2, 5))
    ckpt = MetaNet('b1', out_indices=(2, 5), with_cp=True)
    ckpt.load_state_dict(plain.state_dict())
    x = torch.randn(2, 3, 64, 64)
    grads = []
    for model in (plain, ckpt):
        model.train()
        out = model(x)
        sum(o.sum() for o in out).backward()
        grads.append([p.grad.clone() for p in model.parameters()])
    for a, b in zip(*grads):
        torch.testing.assert_close(a, b)


def test_drop_path_rises_linearly_to_the_given_rate():
    model = MetaNet('b1', drop_path_rate=0.3)
    # Released stage-entry attention blocks have no drop path.
    rates = [getattr(b.drop_path, 'drop_prob', 0.)
             for s in model.stages for b in s.blocks if hasattr(b, 'drop_path')]
    assert rates[0] == 0 and rates[-1] == pytest.approx(0.3)
    assert all(b > a for a, b in zip(rates[1:], rates[2:]))
    assert METANET_ARCHS['b15'].drop_path_rate == 0.3


def test_layer_depth_for_layerwise_lr_decay():
    model = MetaNet('b4')
    depth = model.arch.depth  # 35 blocks
    assert model.get_layer_depth('backbone.stem.conv.weight',
                                 'backbone.') == (0, depth + 2)
    assert model.get_layer_depth('backbone.stages.0.blocks.0.dw.conv.weight',
                                 'backbone.')[0] == 1
    assert model.get_layer_depth('backbone.stages.5.blocks.11.norm1.weight',
                                 'backbone.')[0] == depth
    assert model.get_layer_depth('backbone.head.conv.weight',
                                 'backbone.')[0] == depth + 1
    assert model.get_layer_depth('head.fc.weight', 'backbone.')[0] == \
        depth + 1


def test_blocks_start_as_their_shortcut():
    # Zero-initialised last BN and 1e-6 LayerScale: a fresh block is
    # (nearly) its shortcut, as released.
    model = MetaNet('b1', out_indices=(5, ))
    model.init_weights()
    block = model.stages[2].blocks[1]
    assert torch.count_nonzero(block.project.norm.weight) == 0
    x = torch.randn(1, block.in_channels, 8, 8)
    block.eval()
    torch.testing.assert_close(block(x), x)


@pytest.mark.parametrize('indices', [(5, 1), (1, 1, 2), (2, -6)])
def test_out_indices_in_order_once(indices):
    """Unsorted or repeated indices are refused, not silently rewritten."""
    with pytest.raises(ValueError, match='each output once, in increasing'):
        MetaNet(arch='b1', out_indices=indices)


def test_fold_for_inference_keeps_the_outputs():
    """BN folded into the convolutions of a frozen MetaNet, channels-last:
    the same maps to 1e-4, the caller's module untouched."""
    import torch
    from mmintern.models.utils import fold_for_inference
    torch.manual_seed(0)
    model = MetaNet(arch='b1', out_indices=(1, 2, 4, 5))
    model.eval()
    for m in model.modules():  # non-trivial statistics to fold
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-1, 1)
            m.running_var.uniform_(.5, 2)
    x = torch.randn(2, 3, 64, 64)
    folded = fold_for_inference(model, x)
    assert folded is not model
    assert not any(isinstance(m, torch.nn.BatchNorm2d)
                   for m in folded.stem.modules())
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules())
    with torch.no_grad():
        for a, b in zip(model(x), folded(x)):
            assert torch.allclose(a, b, atol=1e-4, rtol=1e-4)


def test_frozen_backbone_hook_runs_the_folded_copy(tmp_path):
    """The dense protocols' hook: the backbone's forward runs BN folded,
    with no gradient wanted, while its parameters (what a checkpoint
    saves) stay as they were."""
    import logging
    from types import SimpleNamespace
    from mmintern.engine.hooks import FrozenBackboneHook
    torch.manual_seed(0)
    model = nn.Module()
    model.backbone = MetaNet(arch='b1', out_indices=(2, 5))
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-1, 1)
            m.running_var.uniform_(.5, 2)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    x = torch.randn(1, 3, 64, 64)
    model.backbone.eval()
    with torch.no_grad():
        reference = model.backbone(x)
    runner = SimpleNamespace(model=model, logger=logging.getLogger('t'))
    hook = FrozenBackboneHook()
    hook.before_train(runner)
    hook.before_test(runner)  # folds once
    assert 'forward' in vars(model.backbone)
    folded = hook.folded
    assert not any(isinstance(m, nn.BatchNorm2d)
                   for m in folded.stem.modules())
    assert not any(p.requires_grad for p in folded.parameters())
    assert not any(p.requires_grad for p in model.parameters())
    out = model.backbone(x)
    assert not any(o.requires_grad for o in out)
    # Plain NCHW out: mmcv's CPU RoIAlign mis-reads channels-last maps.
    assert all(o.is_contiguous() for o in out)
    for a, b in zip(reference, out):
        assert torch.allclose(a, b, atol=1e-4, rtol=1e-4)
    after = model.state_dict()
    assert list(after) == list(state)
    assert all(torch.equal(after[k], v) for k, v in state.items())
    # A backbone whose channels-last copy gives channels-last maps (a
    # timm model) still hands out NCHW.
    convs = nn.Module()
    convs.backbone = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))
    FrozenBackboneHook().before_test(
        SimpleNamespace(model=convs, logger=logging.getLogger('t')))
    assert convs.backbone(x).is_contiguous()
    assert hook.folded is not None
    # Off: the backbone runs as built.
    plain = nn.Module()
    plain.backbone = MetaNet(arch='b1', out_indices=(2, 5))
    FrozenBackboneHook(fold_bn=False).before_train(
        SimpleNamespace(model=plain, logger=logging.getLogger('t')))
    assert 'forward' not in vars(plain.backbone)
