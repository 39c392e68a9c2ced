"""The feature distiller: a frozen teacher, a student that learns its
pooled feature, its maps at strides 8 / 16 / 32 and its logits; built from
the real config in configs/distill/, resumed == uninterrupted, exported as
a backbone checkpoint that a MetaNet config loads."""
import copy
import os.path as osp
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import MODELS, init_default_scope
from mmengine.runner import Runner

import mmintern  # noqa: F401
from _utils import REPO, KillAfter, Killed, config_path, needs_data
from mmintern.models import FeatureDistiller, MetaNet

LITE0_TO_B1 = config_path('distill',
                          'efficientnet-lite0_to_metanet-b1_tinyimagenet.py')


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _metanet_pair(**terms) -> FeatureDistiller:
    """MN-B2 -> MN-B1, a bare backbone as the teacher (no modes)."""
    torch.manual_seed(0)
    kw = dict(pooled=dict(weight=1.), dense=dict(
        weight=1., loss='mse', student=dict(s8=0, s16=1, s32=2)))
    kw.update(terms)
    return FeatureDistiller(
        teacher=dict(type='MetaNet', arch='b2', out_indices=(2, 4, 5)),
        backbone=dict(type='MetaNet', arch='b1', out_indices=(2, 4, 5)),
        teacher_layers=dict(pooled='', s8='stages.2', s16='stages.4',
                            s32='stages.5'),
        **kw)


def test_the_config_distils_lite0_into_metanet_b1():
    """The real config: the teacher is EfficientNet-Lite0 with its ImageNet
    weights, frozen (no gradient, eval mode, BN statistics untouched); one
    step moves the student and the connectors only."""
    cfg = Config.fromfile(LITE0_TO_B1)
    init_default_scope('mmpretrain')
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.train()
    assert not model.teacher.training and model.backbone.training
    assert sorted(model.connectors) == ['logits', 'pooled', 's16', 's32',
                                        's8']
    # Widths found by the probe: Lite0's 1280-d pooled feature, 40 / 112 /
    # 320 channels at strides 8 / 16 / 32, 1000 ImageNet logits.
    assert model.connectors['pooled'].out_features == 1280
    assert [model.connectors[k].out_channels for k in ('s8', 's16', 's32')
            ] == [40, 112, 320]
    assert model.connectors['logits'].out_features == 1000
    teacher = copy.deepcopy(model.teacher.state_dict())
    student = copy.deepcopy(model.backbone.state_dict())
    optimizer = torch.optim.SGD(
        [p for p in model.parameters() if p.requires_grad], lr=0.1)
    batch = torch.randint(0, 256, (2, 3, 64, 64)).float()
    losses = model(batch, mode='loss')
    assert set(losses) == {'loss_pooled', 'loss_dense', 'loss_logits',
                           'cos_pooled'}
    assert -1 <= float(losses['cos_pooled']) <= 1
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()
    optimizer.step()
    assert all(p.grad is None for p in model.teacher.parameters())
    for key, value in model.teacher.state_dict().items():
        assert torch.equal(value, teacher[key]), key  # BN stats included
    assert any(not torch.equal(v, student[k]) for k, v in
               model.backbone.state_dict().items())
    # mode='tensor' is the student's maps.
    maps = model(batch, mode='tensor')
    assert [m.shape[1] for m in maps] == [64, 96, 192]


def test_terms_switch_off_and_bad_settings_are_named():
    model = _metanet_pair(pooled=dict(weight=0.))
    assert sorted(model.connectors) == ['s16', 's32', 's8']
    losses = model(torch.rand(2, 3, 64, 64) * 255, mode='loss')
    assert set(losses) == {'loss_dense'}
    assert torch.isfinite(losses['loss_dense'])
    with pytest.raises(ValueError, match='needs a term'):
        _metanet_pair(pooled=dict(weight=0.), dense=dict(weight=0.))
    with pytest.raises(ValueError, match="unknown settings \\['los'\\]"):
        _metanet_pair(pooled=dict(weight=1., los='mse'))
    with pytest.raises(KeyError, match="no module 'stages.9'"):
        FeatureDistiller(
            teacher=dict(type='MetaNet', arch='b1', out_indices=(5, )),
            backbone=dict(type='MetaNet', arch='b1', out_indices=(5, )),
            teacher_layers=dict(pooled='stages.9'), pooled=dict(weight=1.))
    with pytest.raises(KeyError, match="lacks \\['s8'\\]"):
        FeatureDistiller(
            teacher=dict(type='MetaNet', arch='b1', out_indices=(5, )),
            backbone=dict(type='MetaNet', arch='b1', out_indices=(2, 5)),
            teacher_layers=dict(pooled=''),
            dense=dict(weight=1., student=dict(s8=0)))


def test_distillation_loss_falls_on_one_batch():
    """The student can learn the teacher: 30 steps on one batch bring the
    pooled cosine up and the losses down."""
    model = _metanet_pair()
    model.train()
    optimizer = torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad], lr=3e-3)
    batch = torch.rand(4, 3, 64, 64) * 255
    first = None
    for _ in range(30):
        losses = model(batch, mode='loss')
        total = losses['loss_pooled'] + losses['loss_dense']
        first = first or (float(total.detach()),
                          float(losses['cos_pooled']))
        optimizer.zero_grad()
        total.backward()
        optimizer.step()
    assert float(total) < 0.5 * first[0]
    assert float(losses['cos_pooled']) > first[1] + 0.2


def _run(work_dir, resume=False, kill_after=None, iters=4):
    cfg = Config.fromfile(LITE0_TO_B1)
    cfg.merge_from_dict({
        'work_dir': str(work_dir), 'train_cfg.max_iters': iters,
        'default_hooks.checkpoint.interval': 2, 'resume': resume,
        'log_level': 'WARNING', 'train_dataloader.batch_size': 4,
        'train_dataloader.num_workers': 0,
        'train_dataloader.persistent_workers': False,
        'train_dataloader.dataset.indices': 16})
    crop, = [t for t in cfg.train_dataloader.dataset.pipeline
             if t.type == 'RandomResizedCrop']
    crop.scale = 64
    runner = Runner.from_cfg(cfg)
    if kill_after is not None:
        runner.register_hook(KillAfter(kill_after))
    try:
        runner.train()
    except Killed:
        pass
    return runner


@needs_data('tiny_imagenet', 'test', 'images')
def test_resumed_distillation_equals_uninterrupted_and_exports(tmp_path):
    """tools/train.py's path: killed after iteration 2 and resumed, the
    student ends with the uninterrupted run's weights; its export loads
    into MetaNet through init_cfg Pretrained with prefix backbone."""
    import subprocess
    whole = _run(tmp_path / 'whole')
    _run(tmp_path / 'cut', kill_after=2)
    resumed = _run(tmp_path / 'cut', resume=True)
    a = whole.model.backbone.state_dict()
    b = resumed.model.backbone.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)

    out = str(tmp_path / 'student.pth')
    subprocess.run(
        [sys.executable, osp.join(REPO, 'tools', 'model_converters',
                                  'export_backbone.py'),
         str(tmp_path / 'whole' / 'iter_4.pth'), out],
        check=True, cwd=REPO, capture_output=True)
    student = MetaNet('b1', out_indices=(2, 4, 5), init_cfg=dict(
        type='Pretrained', checkpoint=out, prefix='backbone.'))
    student.init_weights()
    loaded = student.state_dict()
    assert loaded.keys() == a.keys()
    assert all(torch.equal(loaded[k], a[k]) for k in a)


@needs_data('tiny_imagenet', 'test', 'images')
def test_two_process_gloo_distillation(tmp_path):
    """tools/dist_train.sh on 2 CPU processes (gloo): the teacher has no
    trainable parameters, so DDP wraps the student and connectors only."""
    import os
    import subprocess
    work = str(tmp_path / 'dist')
    env = {**os.environ, 'PYTHON': sys.executable, 'OMP_NUM_THREADS': '1',
           'PORT': '29541'}
    out = subprocess.run(
        ['bash', 'tools/dist_train.sh', LITE0_TO_B1, '2', '--work-dir', work,
         '--cfg-options', 'train_cfg.max_iters=2',
         'default_hooks.checkpoint.interval=2',
         'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
         'train_dataloader.persistent_workers=False',
         'train_dataloader.dataset.indices=8',
         'train_dataloader.dataset.pipeline.2.scale=64'],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-3000:]
    assert 'rank 0 of 2' in log and 'rank 1 of 2' in log
    assert osp.isfile(osp.join(work, 'iter_2.pth'))


def test_up_a_g_starts_from_a_distilled_student(tmp_path):
    """The INTERN stages can start from the distilled weights: the Up-A-G
    config made for it (configs/intern/up-a-g_declip_metanet-b1-distilled_
    flickr8k.py, checkpoint moved here) gives its image encoder the
    student's stages; its pooling head, which the student has not got,
    keeps its initialisation."""
    from mmintern.utils import save_backbone
    torch.manual_seed(3)
    student = MetaNet('b1', out_indices=(2, 4, 5))
    path = str(tmp_path / 'student.pth')
    save_backbone(student.state_dict(), path)
    cfg = Config.fromfile(config_path(
        'intern', 'up-a-g_declip_metanet-b1-distilled_flickr8k.py'))
    assert cfg.model.image_encoder.init_cfg.checkpoint == \
        'checkpoints/metanet-b1_distilled.pth'  # what make distill writes
    cfg.model.image_encoder.init_cfg.checkpoint = path
    init_default_scope('mmpretrain')
    model = MODELS.build(cfg.model)
    model.init_weights()
    encoder = model.image_encoder.state_dict()
    for key, value in student.state_dict().items():
        assert torch.equal(encoder[key], value), key
    assert set(encoder) - set(student.state_dict())  # the head's own keys


@pytest.mark.parametrize('name', [
    'efficientnet-lite0_to_metanet-b2_tinyimagenet.py',
    'efficientnet-lite2_to_metanet-b4_8xb128_in1k.py',
    'metanet-b15_to_metanet-b4_8xb128_in1k.py'])
def test_the_other_recipes(name):
    """The B2 and GPU recipes: their schedules as stated, and
    the models they build (MN-B15, too large to build here, is checked as
    config)."""
    cfg = Config.fromfile(config_path('distill', name))
    assert cfg.model.type == 'FeatureDistiller'
    if '8xb128' in name:
        assert cfg.train_dataloader.batch_size == 128
        assert cfg.train_cfg.max_epochs == 100
        assert cfg.auto_scale_lr.base_batch_size == 1024
    if 'b15' in name:
        assert cfg.model.teacher.arch == 'b15'
        assert cfg.model.teacher.init_cfg.prefix == 'backbone.'
        return
    init_default_scope('mmpretrain')
    model = MODELS.build(cfg.model)
    student = cfg.model.backbone.arch
    widths = dict(b1=[64, 96, 192], b2=[96, 144, 288],
                  b4=[128, 192, 384])[student]
    maps = model(torch.zeros(1, 3, 64, 64), mode='tensor')
    assert [m.shape[1] for m in maps] == widths
