"""MF stage 1, the VQ-GAN: its loss terms on hand-computed cases, the two
optimizers and the discriminator's delay, losses that fall on real images
with the codebook in use, and a killed run that resumes to the
uninterrupted one (the real config, shrunk)."""
import glob
import os.path as osp
import pickle
import sys

import mmcv
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import (OptimWrapper, OptimWrapperDict,
                            build_optim_wrapper)
from mmengine.runner import Runner
from PIL import Image

import mmintern  # noqa: F401
from _utils import (REPO, config_path, needs_data, require_data,
                    train_or_kill)
from mmintern.models.algorithms import VQGAN
from mmintern.models.algorithms.vqgan import codebook_usage, load_vqgan
from mmintern.models.layers.conv_codec import pad_to_multiple
from mmintern.models.losses import (BackbonePerceptualLoss, adaptive_weight,
                                    hinge_d_loss, hinge_g_loss)

CONFIG = config_path('mf', 'vqgan_f4_tinyimagenet-flickr8k.py')


def tiny(**kwargs):
    """A VQ-GAN small enough to train in seconds (factor 2)."""
    args = dict(embed_dims=8, num_embed=16, base_channels=8,
                channel_mults=(1, 2), discriminator=dict(channels=8,
                                                         num_layers=1))
    return VQGAN(**{**args, **kwargs})


def wrappers(model, lr=1e-3):
    return OptimWrapperDict(
        generator=OptimWrapper(torch.optim.Adam(model.generator.parameters(),
                                                lr=lr)),
        discriminator=OptimWrapper(torch.optim.Adam(
            model.discriminator.parameters(), lr=lr)))


def batch(images):
    """A PackInputs-style batch of uint8 CHW tensors (BGR, as loaded)."""
    return dict(inputs=[torch.from_numpy(np.ascontiguousarray(
        im[..., ::-1].transpose(2, 0, 1))) for im in images])


def real_images(n=8, size=16):
    folder = require_data('tiny_imagenet', 'test', 'images')
    files = sorted(glob.glob(osp.join(folder, '*.JPEG')))[:n]
    return [np.asarray(Image.open(f).convert('RGB').resize((size, size)))
            for f in files]


def test_the_config_builds_its_stated_defaults():
    from mmengine.registry import MODELS, init_default_scope
    cfg = Config.fromfile(CONFIG)
    init_default_scope(cfg.default_scope)
    model = MODELS.build(cfg.model)
    assert (model.factor, model.num_embed, model.disc_start) == (4, 512, 1000)
    assert not any(p.requires_grad
                   for p in model.perceptual.backbone.parameters())
    assert cfg.model.perceptual.backbone.init_cfg.checkpoint == \
        'checkpoints/metanet-b1_distilled.pth'  # the upstream model
    x = torch.rand(1, 3, 32, 32) * 2 - 1
    assert model(x).shape == x.shape
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    assert isinstance(optim, OptimWrapperDict)
    assert set(optim.keys()) == {'generator', 'discriminator'}
    generator = {id(p) for g in optim['generator'].param_groups
                 for p in g['params']}
    assert generator == {id(p) for p in model.generator.parameters()}
    wrong = dict(cfg.optim_wrapper, critic=cfg.optim_wrapper.discriminator)
    with pytest.raises(AttributeError, match="no sub-module 'critic'"):
        build_optim_wrapper(model, wrong)


# ------------------------------------------------------------- the terms
def test_hinge_losses_on_hand_computed_logits():
    real = torch.tensor([2., 0.5, -1.])   # relu(1 - x): 0, 0.5, 2
    fake = torch.tensor([-2., 0., 1.])    # relu(1 + x): 0, 1, 2
    assert hinge_d_loss(real, fake).item() == pytest.approx(
        0.5 * (2.5 / 3 + 3 / 3))
    assert hinge_g_loss(fake).item() == pytest.approx(1 / 3)


def test_adaptive_weight_is_the_gradient_norm_ratio():
    w = torch.tensor([1., 2.], requires_grad=True)
    rec = (3 * w).sum()           # gradient (3, 3): norm 3 sqrt 2
    g = (w**2).sum()              # gradient (2, 4): norm 2 sqrt 5
    expected = 3 * 2**0.5 / (2 * 5**0.5 + 1e-4)
    assert adaptive_weight(rec, g, w).item() == pytest.approx(expected)
    assert adaptive_weight(rec, 1e-9 * g, w).item() == 1e4  # clamped
    assert not adaptive_weight(rec, g, w).requires_grad


def test_frechet_distance_on_hand_computed_gaussians():
    from mmintern.evaluation.functional import frechet_distance
    rng = np.random.default_rng(0)
    a = rng.normal(size=(500, 3))
    assert frechet_distance(a, a) == pytest.approx(0., abs=1e-6)
    # A shift moves only the mean term: |shift|^2.
    assert frechet_distance(a, a + [1., 2., 0.]) == pytest.approx(5.)
    # 1-D: (m1 - m2)^2 + (s1 - s2)^2 for standard deviations s1, s2.
    x = np.array([[0.], [2.]])  # mean 1, sample variance 2
    y = np.array([[0.], [4.]])  # mean 2, sample variance 8
    assert frechet_distance(x, y) == pytest.approx(
        1 + (2**0.5 - 8**0.5)**2)
    with pytest.raises(ValueError, match='one width'):
        frechet_distance(a, a[:, :2])


def test_codebook_usage_counts():
    out = codebook_usage(torch.tensor([0, 0, 1, 1]), num_embed=4)
    assert out['perplexity'] == pytest.approx(2.)  # two codes, evenly
    assert out['usage'] == 0.5


def test_perceptual_distance_is_zero_for_equal_images_and_frozen():
    loss = BackbonePerceptualLoss(dict(type='MetaNet', arch='b1',
                                       out_indices=(1, 2)))
    loss.train()
    assert not loss.backbone.training  # eval-mode statistics always
    x = torch.rand(2, 3, 32, 32) * 2 - 1
    assert loss(x, x).item() == pytest.approx(0., abs=1e-6)
    y = (x + 0.5 * torch.randn_like(x)).requires_grad_()
    d = loss(y, x)
    d.backward()
    assert d.item() > 0 and y.grad.abs().sum() > 0
    assert all(p.grad is None for p in loss.backbone.parameters())


def test_reconstruction_keeps_any_size_and_is_deterministic():
    torch.manual_seed(0)
    model = tiny(channel_mults=(1, 2, 2))  # factor 4
    assert pad_to_multiple(torch.zeros(1, 3, 5, 7), 4).shape[-2:] == (8, 8)
    x = torch.rand(2, 3, 13, 30) * 2 - 1
    first = model(x)
    assert first.shape == x.shape and first.abs().max() <= 1
    assert torch.equal(model(x), first)
    with pytest.raises(ValueError, match="mode='tensor'"):
        model(x, mode='loss')


# -------------------------------------------------------------- training
@needs_data('tiny_imagenet', 'test', 'images')
def test_discriminator_waits_and_each_optimizer_moves_its_own_part():
    torch.manual_seed(0)
    model = tiny(disc_start=2)
    optim = wrappers(model)
    data = batch(real_images(4))

    def snapshot(part):
        return [p.detach().clone() for p in part.parameters()]

    disc = snapshot(model.discriminator)
    log = model.train_step(data, optim)
    assert 'loss_d' not in log and 'loss_g' not in log
    assert all(torch.equal(a, b) for a, b in
               zip(disc, model.discriminator.parameters()))
    model.train_step(data, optim)
    gen = snapshot(model.generator)
    log = model.train_step(data, optim)  # iteration 2: on
    assert {'loss_d', 'loss_g', 'adaptive_weight'} <= set(log)
    assert int(model.iteration) == 3
    assert not all(torch.equal(a, b) for a, b in
                   zip(disc, model.discriminator.parameters()))
    assert not all(torch.equal(a, b) for a, b in
                   zip(gen, model.generator.parameters()))
    with pytest.raises(ValueError, match='multiples of the factor 2'):
        model.train_step(batch([im[:15, :15] for im in real_images(2)]),
                         optim)


@needs_data('tiny_imagenet', 'test', 'images')
def test_losses_fall_and_the_codebook_stays_in_use():
    torch.manual_seed(0)
    model = tiny(disc_start=60)
    optim = wrappers(model, lr=3e-3)
    data = batch(real_images(8))
    logs = [model.train_step(data, optim) for _ in range(80)]
    rec = [float(log['loss_rec']) for log in logs]
    assert np.mean(rec[-5:]) < 0.6 * np.mean(rec[:5]), rec
    assert 'loss_d' in logs[-1]
    # Floor: a quarter of the 16 codes in effect (perplexity), half of
    # them used at all, on the fixture's 8 x 8 x 8 latents.
    assert float(logs[-1]['perplexity']) > 4, logs[-1]
    assert float(logs[-1]['usage']) >= 0.5, logs[-1]


# ---------------------------------------------------------------- resume
def _run(work_dir, name, resume=False, kill_after=None):
    cfg = Config.fromfile(CONFIG)
    cfg.merge_from_dict({
        'work_dir': str(work_dir), 'train_cfg.max_iters': 4,
        'model.disc_start': 2, 'model.base_channels': 8,
        'model.num_embed': 16, 'model.perceptual': None,
        'default_hooks.checkpoint.interval': 1, 'resume': resume,
        'log_level': 'WARNING', 'experiment_name': name,
        'train_dataloader.batch_size': 2, 'train_dataloader.num_workers': 0,
        'train_dataloader.persistent_workers': False})
    cfg.train_pipeline[1].scale = 16
    for dataset in cfg.train_dataloader.dataset.datasets:
        dataset.pipeline = cfg.train_pipeline
        dataset.indices = 8
    return train_or_kill(Runner.from_cfg(cfg), kill_after)


@needs_data('tiny_imagenet')
def test_killed_vqgan_resumes_to_the_uninterrupted_run(tmp_path):
    straight = _run(tmp_path / 'straight', 'straight')
    _run(tmp_path / 'killed', 'killed', kill_after=1)  # before the GAN
    resumed = _run(tmp_path / 'killed', 'resumed', resume=True)
    assert int(resumed['iteration']) == 4
    for key in straight:
        torch.testing.assert_close(resumed[key], straight[key], rtol=0,
                                   atol=0, msg=key)


# ------------------------------------------------------ stage 2: re-encode
@pytest.fixture
def trained_tiny(tmp_path):
    """A small VQ-GAN config on the real one, and a checkpoint of it after
    a few steps on real images."""
    from mmengine.registry import MODELS, init_default_scope
    config = tmp_path / 'vqgan.py'
    config.write_text(
        f'_base_ = [{CONFIG!r}]\n'
        'model = dict(embed_dims=8, num_embed=16, base_channels=8,\n'
        '             perceptual=None, disc_start=100)\n')
    init_default_scope('mmpretrain')
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(str(config)).model)
    optim = wrappers(model, lr=3e-3)
    data = batch(real_images(8, size=32))
    for _ in range(10):
        model.train_step(data, optim)
    checkpoint = tmp_path / 'vqgan.pth'
    torch.save(dict(state_dict=model.state_dict()), str(checkpoint))
    return str(config), str(checkpoint)


def _fixture_dataset(root):
    """Images, a segmentation map that must stay as it is, a CIFAR batch
    and a text file."""
    images = real_images(3, size=24)
    (root / 'img_dir' / 'train').mkdir(parents=True)
    (root / 'ann_dir' / 'train').mkdir(parents=True)
    Image.fromarray(images[0]).save(root / 'img_dir' / 'train' / 'a.png')
    Image.fromarray(images[1]).save(root / 'img_dir' / 'train' / 'b.jpg')
    mask = np.arange(24 * 24, dtype=np.uint8).reshape(24, 24) % 3
    Image.fromarray(mask).save(root / 'ann_dir' / 'train' / 'a.png')
    cifar = root / 'cifar10' / 'cifar-10-batches-py'
    cifar.mkdir(parents=True)
    rows = np.stack([np.asarray(Image.fromarray(im).resize((32, 32)))
                     .transpose(2, 0, 1).reshape(-1) for im in images])
    with open(cifar / 'test_batch', 'wb') as f:
        pickle.dump(dict(data=rows, labels=[0, 1, 2]), f)
    (root / 'split.txt').write_text('a\nb\n')
    return rows


@needs_data('tiny_imagenet', 'test', 'images')
def test_reencoded_copy_keeps_the_layout_and_is_deterministic(
        tmp_path, trained_tiny):
    sys.path.insert(0, osp.join(REPO, 'tools', 'dataset_converters'))
    import reencode_dataset as tool
    from mmintern.datasets.transforms import VQGANReencode
    config, checkpoint = trained_tiny
    src = tmp_path / 'src'
    rows = _fixture_dataset(src)
    args = ['--config', config, '--checkpoint', checkpoint]
    for out in ('out1', 'out2'):
        assert tool.main([str(src), str(tmp_path / out), *args]) == 0
    files = tool.files_of(str(src))
    assert tool.files_of(str(tmp_path / 'out1')) == sorted(
        files + [tool.MANIFEST])
    for rel in files:  # deterministic, byte for byte
        assert (tmp_path / 'out1' / rel).read_bytes() == \
            (tmp_path / 'out2' / rel).read_bytes(), rel
    for rel in ('ann_dir/train/a.png', 'split.txt'):  # kept as they are
        assert (tmp_path / 'out1' / rel).read_bytes() == \
            (src / rel).read_bytes()
    for rel in ('img_dir/train/a.png', 'img_dir/train/b.jpg'):
        before = np.asarray(Image.open(src / rel))
        after = np.asarray(Image.open(tmp_path / 'out1' / rel))
        assert after.shape == before.shape and not np.array_equal(
            after, before)
    with open(tmp_path / 'out1' / 'cifar10' / 'cifar-10-batches-py' /
              'test_batch', 'rb') as f:
        entry = pickle.load(f, encoding='latin1')  # as GVBCIFAR10 reads
    assert entry['labels'] == [0, 1, 2]
    assert entry['data'].shape == rows.shape and entry['data'].dtype == \
        np.uint8 and not np.array_equal(entry['data'], rows)
    # The on-the-fly transform gives the tool's pixels (PNG: lossless).
    img = mmcv.imread(str(src / 'img_dir' / 'train' / 'a.png'))
    out = VQGANReencode(config, checkpoint)(dict(img=img.copy()))['img']
    assert np.array_equal(out, mmcv.imread(
        str(tmp_path / 'out1' / 'img_dir' / 'train' / 'a.png')))
    # Killed part-way: the missing file is made again, the same bytes.
    done = tmp_path / 'out1' / 'img_dir' / 'train' / 'b.jpg'
    expected = done.read_bytes()
    done.unlink()
    assert tool.main([str(src), str(tmp_path / 'out1'), *args]) == 0
    assert done.read_bytes() == expected
    # Another checkpoint into the same folder is refused.
    other = tmp_path / 'other.pth'
    state = torch.load(checkpoint, weights_only=True)
    state['state_dict']['iteration'] += 1
    torch.save(state, str(other))
    with pytest.raises(ValueError, match='other inputs'):
        tool.main([str(src), str(tmp_path / 'out1'), '--config', config,
                   '--checkpoint', str(other)])
    torch.save(dict(state_dict=dict(x=torch.zeros(1))), str(other))
    with pytest.raises(ValueError, match='not a checkpoint of'):
        load_vqgan(config, str(other))
