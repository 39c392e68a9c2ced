"""Up-A-L (INTERN Up-A, local phase): dense SimSiam functions, the UpALocal
model built from its config, and a 2-iteration Runner run that starts from
an Up-A-G (DeCLIP) checkpoint through LoadStageCheckpointHook."""
import math
import os
import os.path as osp
import sys

import pytest
import torch
import torch.nn.functional as F

from _utils import REPO, data_path, needs_data
import mmintern  # noqa: F401  (registers MetaNet, the datasets, the hooks)
from mmintern.engine.hooks.load_stage_checkpoint_hook import \
    LoadStageCheckpointHook
from mmintern.models.algorithms.up_a_local import UpALocal
from mmintern.models.backbones import MetaNet
from mmintern.models.losses.dense_simsiam import (dense_simsiam_loss,
                                                  match_locations)

FLICKR = data_path('flickr8k_captions')
CFG = osp.join(REPO, 'configs', 'intern', 'up-a-l_metanet-b1_flickr8k.py')
DECLIP_CFG = osp.join(REPO, 'configs', 'intern',
                      'up-a-g_declip_metanet-b1_flickr8k.py')
needs_flickr = needs_data('flickr8k_captions', 'captions.txt')


def build_from(config: str):
    """The model of a config, built in its default scope (the
    SelfSupDataPreprocessor lives in mmpretrain's registry)."""
    from mmengine.config import Config
    from mmengine.registry import MODELS, DefaultScope
    cfg = Config.fromfile(config)
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        return MODELS.build(cfg.model)


@pytest.fixture(scope='module')
def model():
    torch.manual_seed(0)
    return build_from(CFG)


# ---------------------------------------------------------------- matching
def test_match_locations_permuted_one_hot():
    # View a: location i holds e_i. View b: location j holds e_perm[j],
    # scaled differently per location (cosine ignores the norm), so a's
    # location i matches b's location j with perm[j] == i: perm's inverse.
    perms = [torch.tensor([2, 0, 3, 1]), torch.tensor([3, 2, 1, 0])]
    feat_a = torch.eye(4).t().reshape(1, 4, 2, 2).repeat(2, 1, 1, 1)
    feat_b = torch.stack([
        torch.eye(4)[:, p] * torch.tensor([1., 5., .2, 3.]) for p in perms
    ]).reshape(2, 4, 2, 2)
    index = match_locations(feat_a, feat_b)
    assert index.dtype == torch.long and index.shape == (2, 4)
    assert index.tolist() == [torch.argsort(p).tolist() for p in perms]
    assert index.tolist() == [[1, 3, 0, 2], [3, 2, 1, 0]]


def test_match_locations_is_cosine_not_dot_and_sizes_may_differ():
    # a: one location (1, 0). b (1x3): (3, 3) has the largest dot product
    # (3) but cosine 0.71; (0.5, 0) has dot 0.5 and cosine 1; (0, 1) has 0.
    feat_a = torch.tensor([1., 0.]).reshape(1, 2, 1, 1)
    feat_b = torch.tensor([[3., .5, 0.], [3., 0., 1.]]).reshape(1, 2, 1, 3)
    assert match_locations(feat_a, feat_b).tolist() == [[1]]
    # And the other way: each of b's 3 locations has a's single location.
    assert match_locations(feat_b, feat_a).tolist() == [[0, 0, 0]]


def test_match_locations_has_no_grad():
    feat_a = torch.randn(2, 8, 3, 3, requires_grad=True)
    feat_b = torch.randn(2, 8, 2, 4, requires_grad=True)
    index = match_locations(feat_a, feat_b)
    assert index.shape == (2, 9) and not index.requires_grad
    assert int(index.min()) >= 0 and int(index.max()) < 8


def test_match_locations_rejects_bad_shapes():
    with pytest.raises(ValueError, match=r'feat_a must be a feature map'):
        match_locations(torch.randn(2, 8, 9), torch.randn(2, 8, 3, 3))
    with pytest.raises(ValueError, match='same batch size and channels'):
        match_locations(torch.randn(2, 8, 3, 3), torch.randn(2, 4, 3, 3))
    with pytest.raises(ValueError, match='same batch size and channels'):
        match_locations(torch.randn(2, 8, 3, 3), torch.randn(3, 8, 3, 3))
    with pytest.raises(TypeError, match='feat_b must be a tensor'):
        match_locations(torch.randn(2, 8, 3, 3), [1, 2])


# ------------------------------------------------------------------- loss
def test_dense_loss_is_minus_one_when_p_is_the_matched_z():
    torch.manual_seed(0)
    z_b = torch.randn(2, 8, 3, 3)
    index = torch.randint(0, 9, (2, 4))
    matched = torch.stack([z_b[n].flatten(1)[:, index[n]] for n in range(2)])
    p_a = matched.reshape(2, 8, 2, 2) * 2.5  # the scale does not matter
    loss = dense_simsiam_loss(p_a, z_b, index)
    assert loss.shape == ()
    assert torch.allclose(loss, torch.tensor(-1.), atol=1e-6)
    # The opposite direction is the other end of the range.
    assert torch.allclose(dense_simsiam_loss(-p_a, z_b, index),
                          torch.tensor(1.), atol=1e-6)


def test_dense_loss_hand_computed():
    # z_b (1x2 map): z0 = (1, 0), z1 = (0, 1).
    # p_a (1x2 map): p0 = (1, 1), p1 = (0, -1).
    z_b = torch.tensor([[1., 0.], [0., 1.]]).reshape(1, 2, 1, 2)
    p_a = torch.tensor([[1., 0.], [1., -1.]]).reshape(1, 2, 1, 2)
    # p0 -> z0: cos 1/sqrt(2); p1 -> z1: cos -1.
    loss = dense_simsiam_loss(p_a, z_b, torch.tensor([[0, 1]]))
    assert math.isclose(float(loss), -(1 / math.sqrt(2) - 1) / 2,
                        rel_tol=1e-6)
    # p0 -> z1: cos 1/sqrt(2); p1 -> z0: cos 0.
    loss = dense_simsiam_loss(p_a, z_b, torch.tensor([[1, 0]]))
    assert math.isclose(float(loss), -(1 / math.sqrt(2)) / 2, rel_tol=1e-6)
    # Both to z0: cos 1/sqrt(2) and 0; averaged over batch too.
    p2 = torch.cat([p_a, p_a])
    z2 = torch.cat([z_b, z_b])
    loss = dense_simsiam_loss(p2, z2, torch.tensor([[0, 1], [0, 0]]))
    expected = -((1 / math.sqrt(2) - 1) + (1 / math.sqrt(2) + 0)) / 4
    assert math.isclose(float(loss), expected, rel_tol=1e-6)


def test_dense_loss_stops_the_gradient_of_the_target():
    torch.manual_seed(0)
    p_a = torch.randn(2, 6, 2, 2, requires_grad=True)
    z_b = torch.randn(2, 6, 3, 3, requires_grad=True)
    index = match_locations(p_a, z_b)
    dense_simsiam_loss(p_a, z_b, index).backward()
    assert z_b.grad is None
    assert p_a.grad is not None and p_a.grad.abs().sum() > 0
    # Through a shared module too: z = f(x) gets no gradient from the loss.
    x = torch.randn(2, 6, 3, 3, requires_grad=True)
    z = x * 2
    dense_simsiam_loss(p_a, z, index).backward()
    assert x.grad is None


def test_dense_loss_rejects_bad_inputs():
    p_a, z_b = torch.randn(2, 6, 2, 2), torch.randn(2, 6, 3, 3)
    good = torch.zeros(2, 4, dtype=torch.long)
    with pytest.raises(ValueError, match='p_a must be a feature map'):
        dense_simsiam_loss(p_a.flatten(2), z_b, good)
    with pytest.raises(ValueError, match='same batch size and channels'):
        dense_simsiam_loss(p_a, torch.randn(2, 5, 3, 3), good)
    with pytest.raises(ValueError, match=r'index must have shape'):
        dense_simsiam_loss(p_a, z_b, torch.zeros(2, 9, dtype=torch.long))
    with pytest.raises(TypeError, match='LongTensor'):
        dense_simsiam_loss(p_a, z_b, good.float())
    with pytest.raises(IndexError, match=r'\[0, 9\)'):
        dense_simsiam_loss(p_a, z_b, good + 9)
    with pytest.raises(IndexError, match=r'\[0, 9\)'):
        dense_simsiam_loss(p_a, z_b, good - 1)


# ------------------------------------------------------------------ model
def test_model_from_config_two_terms_backprop_into_backbone(model):
    assert isinstance(model, UpALocal)
    assert model.in_channels == 96  # MetaNet-B1 stage 4, stride 16
    model.train()
    torch.manual_seed(1)
    # 32 px (2x2 maps) to keep the test light; the runner test uses 64.
    views = [torch.randn(2, 3, 32, 32), torch.randn(2, 3, 32, 32)]
    losses = model(views, None, mode='loss')
    assert set(losses) == {'loss_dense', 'loss_global'}
    params = [p for p in model.backbone.parameters() if p.requires_grad]
    for key, value in losses.items():
        assert value.shape == () and torch.isfinite(value), key
        # Weight 0.5: each term lies in [-0.5, 0.5].
        assert abs(float(value.detach())) <= 0.5 + 1e-5, key
        grads = torch.autograd.grad(value, params, retain_graph=True,
                                    allow_unused=True)
        total = sum(float(g.abs().sum()) for g in grads if g is not None)
        assert total > 0, f'{key} does not reach the backbone'
    maps = model(views[0], mode='tensor')
    assert [tuple(m.shape) for m in maps] == [(2, 96, 2, 2)]


def test_model_loss_is_the_symmetric_weighted_sum(model):
    # BN in eval mode: the modules are deterministic, so the terms can be
    # recomputed from the parts.
    model.eval()
    torch.manual_seed(2)
    a, b = torch.randn(2, 3, 32, 32), torch.randn(2, 3, 48, 48)
    with torch.no_grad():
        losses = model.loss([a, b])
        fa, fb = model.extract_map(a), model.extract_map(b)
        za, zb = model.dense_projector(fa), model.dense_projector(fb)
        pa, pb = model.dense_predictor(za), model.dense_predictor(zb)
        dense = 0.5 * (
            dense_simsiam_loss(pa, zb, match_locations(fa, fb)) +
            dense_simsiam_loss(pb, za, match_locations(fb, fa))) / 2
        ga, gb = fa.mean(dim=(2, 3)), fb.mean(dim=(2, 3))
        p1, p2, z1, z2 = model.global_head(ga, gb)
        glob = -0.5 * (F.cosine_similarity(p1, z2).mean() +
                       F.cosine_similarity(p2, z1).mean()) / 2
    assert torch.allclose(losses['loss_dense'], dense, atol=1e-6)
    assert torch.allclose(losses['loss_global'], glob, atol=1e-6)
    model.train()


def test_model_rejects_bad_views_and_predict(model):
    x = torch.randn(2, 3, 32, 32)
    with pytest.raises(ValueError, match='exactly two image views, got 1'):
        model.loss([x])
    with pytest.raises(ValueError, match='exactly two image views, got 3'):
        model.loss([x, x, x])
    with pytest.raises(TypeError, match='list/tuple of two image views'):
        model.loss(x)
    with pytest.raises(ValueError, match='same batch size'):
        model.loss([x, x[:1]])
    with pytest.raises(RuntimeError, match='no predictions'):
        model([x], mode='predict')
    with pytest.raises(RuntimeError, match='invalid mode'):
        model([x], mode='foo')


def test_weight_zero_turns_a_term_off_and_any_backbone_works():
    # Any root-registry module with a map output: a patchify conv (a bare
    # tensor output, no out_channels/out_indices pair: the width comes from
    # a dummy forward).
    backbone = dict(type='Conv2d', in_channels=3, out_channels=8,
                    kernel_size=4, stride=4)
    x = [torch.randn(2, 3, 16, 16), torch.randn(2, 3, 16, 16)]
    m = UpALocal(backbone, dense_channels=16, pred_channels=8)
    assert m.in_channels == 8
    assert set(m.loss(x)) == {'loss_dense', 'loss_global'}
    m = UpALocal(backbone, dense_channels=16, pred_channels=8,
                 global_weight=0.)
    assert m.global_head is None and set(m.loss(x)) == {'loss_dense'}
    m = UpALocal(backbone, dense_channels=16, pred_channels=8,
                 dense_weight=0.)
    assert m.dense_projector is None and set(m.loss(x)) == {'loss_global'}
    assert not any(k.startswith('dense_') for k in m.state_dict())
    with pytest.raises(ValueError, match='both 0'):
        UpALocal(backbone, global_weight=0., dense_weight=0.)
    with pytest.raises(ValueError, match='dense_weight must be >= 0'):
        UpALocal(backbone, dense_weight=-1.)
    with pytest.raises(ValueError, match='pred_channels must be a positive'):
        UpALocal(backbone, pred_channels=0)


def test_pooled_backbone_output_is_rejected_with_the_fix():
    # MetaNet's pooled head vector (out_indices=-1, Up-A-G's setting) is no
    # map: the error says what to use.
    m = UpALocal(dict(type='MetaNet', arch='b1', out_indices=-1),
                 dense_channels=16, pred_channels=8)
    x = torch.randn(2, 3, 32, 32)
    with pytest.raises(ValueError, match=r'out_indices=\(4,\)'):
        m.loss([x, x])


# ----------------------------------------------------------------- runner
@needs_flickr
def test_runner_starts_from_the_up_a_g_image_encoder(tmp_path):
    from mmengine.config import Config
    from mmengine.hooks import Hook
    from mmengine.runner import Runner

    # An Up-A-G checkpoint: a fresh DeCLIP, shifted so that no fresh
    # initialization of Up-A-L could equal it by chance.
    torch.manual_seed(123)
    declip = build_from(DECLIP_CFG)
    state = {k: v + 0.01 if v.is_floating_point() else v
             for k, v in declip.state_dict().items()}
    ckpt = str(tmp_path / 'up_a_g.pth')
    torch.save({'state_dict': state}, ckpt)
    encoder = {k[len('image_encoder.'):]: v for k, v in state.items()
               if k.startswith('image_encoder.')}

    cfg = Config.fromfile(CFG)
    assert cfg.custom_hooks[0].type == 'LoadStageCheckpointHook'
    cfg.merge_from_dict({
        'train_dataloader.dataset.data_root': FLICKR,
        'train_dataloader.batch_size': 2,
        'train_cfg.max_iters': 2,
        'default_hooks.logger.interval': 1,
        'default_hooks.checkpoint.interval': 2,
        'custom_hooks.0.checkpoint': ckpt,
        'work_dir': str(tmp_path / 'work'),
    })
    runner = Runner.from_cfg(cfg)

    class Snapshot(Hook):
        """Copies the backbone once the stage hook (VERY_HIGH) has run."""

        def before_train(self, runner):
            self.backbone = {
                k: v.clone()
                for k, v in runner.model.backbone.state_dict().items()
            }

    snap = Snapshot()
    runner.register_hook(snap, priority='NORMAL')
    runner.train()
    assert runner.iter == 2
    assert osp.isfile(osp.join(cfg.work_dir, 'iter_2.pth'))

    stage = [h for h in runner.hooks
             if isinstance(h, LoadStageCheckpointHook)][0]
    backbone_keys = {k for k in runner.model.state_dict()
                     if k.startswith('backbone.')}
    # Every backbone tensor, and nothing else, came from the checkpoint;
    # DeCLIP's head (not built here) is what is left out.
    assert set(stage.loaded_keys) == backbone_keys
    assert set(encoder) - {k[len('backbone.'):] for k in backbone_keys} \
        == {k for k in encoder if k.startswith('head.')}
    assert set(snap.backbone) == {k[len('backbone.'):]
                                  for k in backbone_keys}
    for k, v in snap.backbone.items():
        assert torch.equal(v, encoder[k]), k
    # And training then moved them.
    trained = runner.model.backbone.state_dict()
    assert any(not torch.equal(trained[k], encoder[k]) for k in snap.backbone
               if trained[k].is_floating_point())


@needs_flickr
def test_real_config_trains_under_two_process_ddp(tmp_path):
    """Up-A-L reads stage 4 of MetaNet-B1 and builds no head: stage 5 must
    neither run nor wait for a gradient, or DDP (no
    find_unused_parameters) stops with 'Expected to have finished
    reduction'. Two gloo processes, the real config, 2 iterations."""
    import subprocess
    torch.manual_seed(0)
    ckpt = str(tmp_path / 'up_a_g.pth')
    torch.save({'state_dict': build_from(DECLIP_CFG).state_dict()}, ckpt)
    work = tmp_path / 'work'
    env = {**os.environ, 'OMP_NUM_THREADS': '1'}
    result = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run', '--standalone',
         '--nproc_per_node', '2', osp.join(REPO, 'tools', 'train.py'), CFG,
         '--launcher', 'pytorch', '--work-dir', str(work), '--cfg-options',
         f'train_dataloader.dataset.data_root={FLICKR}',
         'train_dataloader.batch_size=2', 'train_cfg.max_iters=2',
         'default_hooks.checkpoint.interval=2',
         f'custom_hooks.0.checkpoint={ckpt}'],
        cwd=REPO, capture_output=True, text=True, timeout=600, env=env)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    assert osp.isfile(work / 'iter_2.pth'), out[-2000:]
    assert 'finished reduction' not in out


def test_stages_after_the_last_output_neither_run_nor_train():
    backbone = MetaNet('b1', out_indices=(4, ))
    ran = []
    for i, stage in enumerate(backbone.stages):
        stage.register_forward_hook(lambda *_, i=i: ran.append(i))
    (out, ) = backbone(torch.randn(2, 3, 64, 64))
    assert ran == [0, 1, 2, 3, 4] and out.shape == (2, 96, 4, 4)
    out.mean().backward()
    trainable = [n for n, p in backbone.named_parameters() if p.requires_grad]
    assert trainable and not any(n.startswith('stages.5.') for n in trainable)
    assert all(backbone.get_parameter(n).grad is not None for n in trainable)
    # With the head, every stage runs and trains.
    assert all(p.requires_grad for p in MetaNet('b1').parameters())
