"""tools/analysis_tools/up_a_evidence.py: its evaluations on tiny cases
whose answers are known, and the wiring of the two training runs (nothing
is trained here)."""
import importlib.util
import json
import os
import os.path as osp

import mmcv
import numpy as np
import pytest
import torch
import torch.nn as nn

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
TOOL = osp.join(REPO, 'tools', 'analysis_tools', 'up_a_evidence.py')
CLASSES = ('cat', 'dog', 'ship')


@pytest.fixture(scope='module')
def tool():
    spec = importlib.util.spec_from_file_location('up_a_evidence', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Preprocessor(nn.Module):
    """uint8 to float, as the real preprocessor's output type."""

    def forward(self, data, training=False):
        return dict(inputs=data['inputs'].float() / 255,
                    data_samples=data['data_samples'])


class FakeClip(nn.Module):
    """Image and text embeddings that are one-hot class indicators.

    An image's feature is its top-left pixel, so an image painted in
    channel ``c`` is class ``c``; a prompt's embedding is the indicator of
    the class name it contains. Zero-shot predictions are then exactly the
    painted channel.
    """

    def __init__(self):
        super().__init__()
        self.data_preprocessor = _Preprocessor()
        self.image_proj = nn.Identity()

    def image_features(self, x):
        return x[:, :, 0, 0]

    def encode_text(self, prompts):
        out = torch.zeros(len(prompts), len(CLASSES))
        for i, prompt in enumerate(prompts):
            hits = [c for c, name in enumerate(CLASSES) if name in prompt]
            assert len(hits) == 1, prompt
            out[i, hits[0]] = 1
        return out


def painted(channels):
    """uint8 images [N, 3, 4, 4], image i lit in channel channels[i]."""
    images = torch.zeros(len(channels), 3, 4, 4, dtype=torch.uint8)
    for i, c in enumerate(channels):
        images[i, c] = 255
    return images


def test_zero_shot_accuracy_is_exact(tool):
    # 10 images: 7 painted in their own class, 3 in another: 70 %.
    labels = torch.tensor([0, 0, 0, 1, 1, 1, 2, 2, 2, 2])
    channels = [0, 0, 1, 1, 1, 2, 2, 2, 2, 0]
    model = FakeClip()
    feats, embeds = tool.embed_images(model, painted(channels), batch_size=4)
    assert feats.shape == (10, 3) and embeds.shape == (10, 3)
    assert torch.allclose(embeds.norm(dim=1), torch.ones(10))
    top1 = tool.zero_shot_top1(model, embeds, labels, CLASSES)
    assert top1 == pytest.approx(70.0)
    # With one template the prompts are the template's only.
    assert tool.zero_shot_top1(model, embeds, labels, CLASSES,
                               ['{}']) == pytest.approx(70.0)


def test_linear_probe_separates_separable_features(tool):
    gen = torch.Generator().manual_seed(0)
    centres = torch.eye(3) * 10

    def sample(n):
        y = torch.arange(n) % 3
        return centres[y] + torch.randn(n, 3, generator=gen) * 0.1, y

    (train_x, train_y), (test_x, test_y) = sample(30), sample(12)
    assert tool.linear_probe_top1(train_x, train_y, test_x, test_y,
                                  3) == pytest.approx(100.0)


def test_evaluate_runs_both_on_the_same_test_split(tool):
    data = dict(classes=list(CLASSES),
                train=(painted([0, 1, 2] * 4), torch.tensor([0, 1, 2] * 4)),
                test=(painted([0, 1, 2, 0]), torch.tensor([0, 1, 2, 1])))
    result = tool.evaluate(FakeClip(), data, batch_size=5)
    # The last test image (class 1) is painted as class 0: 3 of 4 for
    # both, since the probe learns the painted channel too.
    assert result['zero_shot_top1'] == pytest.approx(75.0)
    assert result['linear_probe_top1'] == pytest.approx(75.0)


def test_both_runs_get_identical_overrides(tool, tmp_path):
    work = str(tmp_path)
    a, b = (tool.train_command(c, work, 300, 7) for c in tool.CONFIGS)
    # The same argv but for the config and its own folder.
    assert len(a) == len(b)
    diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    assert [a[i] for i in diff] == [tool.CONFIGS[0],
                                    tool.run_dir(work, tool.CONFIGS[0], 7)]
    options = a[a.index('--cfg-options') + 1:]
    assert options == b[b.index('--cfg-options') + 1:]
    assert options == [
        'train_cfg.max_iters=300', 'param_scheduler.0.T_max=300',
        'default_hooks.checkpoint.interval=300', 'randomness.seed=7'
    ]
    assert tool.run_dir(work, tool.CONFIGS[0], 7) != tool.run_dir(
        work, tool.CONFIGS[1], 7)
    assert tool.run_dir(work, tool.CONFIGS[0], 0) != tool.run_dir(
        work, tool.CONFIGS[0], 1)
    with pytest.raises(ValueError, match='iters'):
        tool.train_overrides(0, 0)


def test_existing_checkpoint_is_not_trained_again(tool, tmp_path,
                                                  monkeypatch):
    work, config = str(tmp_path), tool.CONFIGS[1]
    folder = tool.run_dir(work, config, 0)
    os.makedirs(osp.join(folder, '20260101_000000', 'vis_data'))
    open(tool.final_checkpoint(work, config, 0, 40), 'w').close()
    scalars = osp.join(folder, '20260101_000000', 'vis_data',
                       'scalars.json')
    with open(scalars, 'w') as f:
        for it, loss in ((20, 2.0), (40, 1.5), (40, None)):
            record = dict(iter=it, lr=1e-3, time=0.1)
            if loss is not None:  # a record without loss (e.g. val)
                record.update(loss=loss, loss_contrastive=loss)
            f.write(json.dumps(record) + '\n')
    with open(osp.join(folder, 'train_40.json'), 'w') as f:
        json.dump(dict(seconds=12.5, vis_data=osp.dirname(scalars)), f)

    def no_subprocess(*args, **kwargs):
        raise AssertionError('trained although the checkpoint exists')

    monkeypatch.setattr(tool.subprocess, 'run', no_subprocess)
    assert tool.train(config, work, 40, 0) == 12.5
    records = tool.train_log(work, config, 0, 40)
    assert [r['iter'] for r in records] == [20, 40]
    assert tool.last_logged_losses(records) == dict(
        iter=40, loss=1.5, loss_contrastive=1.5)
    assert tool.seconds_per_iter(records) == pytest.approx(0.1)
    # A shorter budget reads the log up to its own end.
    assert tool.train_log(work, config, 0, 30)[-1]['iter'] == 20


def test_clear_errors(tool, tmp_path):
    from mmengine.config import Config
    with pytest.raises(FileNotFoundError, match='no.pth'):
        tool.load_trained(Config(dict(model=dict())), str(tmp_path /
                                                          'no.pth'))
    with pytest.raises(FileNotFoundError, match='--data-root'):
        tool.load_labelled_images(str(tmp_path / 'none'), 1, 8)
    with pytest.raises(FileNotFoundError, match='INTERN_DATA_ROOT'):
        tool.check_train_data(Config(dict(train_dataloader=dict(
            dataset=dict(data_root=str(tmp_path / 'none'))))))


def test_labelled_images_split_by_file_name(tool, tmp_path):
    rng = np.random.default_rng(0)
    for name in ('b_class', 'a_class'):
        os.makedirs(tmp_path / name)
        for fname in ('2.jpg', '0.jpg', '1.jpg'):
            img = rng.integers(0, 255, (10, 12, 3), dtype=np.uint8)
            mmcv.imwrite(img, str(tmp_path / name / fname))
    data = tool.load_labelled_images(str(tmp_path), 2, 8)
    assert data['classes'] == ['a_class', 'b_class']
    assert data['train'][0].shape == (4, 3, 8, 8)
    assert data['train'][0].dtype == torch.uint8
    assert data['train'][1].tolist() == [0, 0, 1, 1]
    assert data['test'][1].tolist() == [0, 1]
    # The test image is the last file by name, 2.jpg.
    last = mmcv.imresize(mmcv.imread(str(tmp_path / 'a_class' / '2.jpg')),
                         (8, 8), backend='pillow')
    assert torch.equal(data['test'][0][0],
                       torch.from_numpy(last).permute(2, 0, 1))
    with pytest.raises(ValueError, match='none left to test'):
        tool.load_labelled_images(str(tmp_path), 3, 8)


def test_table_reports_the_paired_difference(tool):
    def row(run, seed, zs, lp, iters=10):
        return dict(run=run, seed=seed, iters=iters, train_seconds=10.0,
                    seconds_per_iter=0.5, final_loss=1.0,
                    # B's InfoNCE a hair above A's: a difference that
                    # rounds to zero, which must not print as -0.0.
                    infonce=2.0004 if run == 'B' else 2.0,
                    zero_shot_top1=zs, linear_probe_top1=lp)

    rows = [row('A', 0, 20.0, 40.0), row('B', 0, 15.0, 42.0),
            row('A', 1, 30.0, 44.0), row('B', 1, 15.0, 44.0),
            row('A untrained', 0, 10.0, 30.0, iters=0)]
    table = tool.format_table(rows, ['A', 'B'], 10)
    lines = table.splitlines()
    assert lines[2].startswith('| A | 10 |') and '25.0 +- 7.1' in lines[2]
    assert lines[4].startswith('| A untrained | 0 |')
    # Per-seed differences: zero-shot +5, +15; probe -2, 0.
    assert lines[5] == ('| A - B | | 1.00x | 1.00x | - | +0.0 +- 0.0 | '
                        '+10.0 +- 7.1 | -1.0 +- 1.4 |')
    # A's gain over its floor, paired by seed (only seed 0 has a floor);
    # B has no floor here, so no line for it.
    assert lines[6:] == ['| A - A untrained | | - | - | - | - | +10.0 | '
                         '+10.0 |']


def test_training_image_size_of_the_configs(tool):
    sizes = [tool.training_img_size(tool.load_config(c))
             for c in tool.CONFIGS]
    assert sizes == [64, 64]


def test_loss_terms_show_their_unweighted_values(tool):
    text = tool.format_terms(
        dict(iter=40, loss=2.5, loss_contrastive=0.8, loss_mlm=2.0),
        dict(loss_contrastive=0.4, loss_mlm=0.2))
    assert text == ('loss 2.5000, loss_contrastive 0.8000 (0.4 x 2.0000), '
                    'loss_mlm 2.0000 (0.2 x 10.0000)')
