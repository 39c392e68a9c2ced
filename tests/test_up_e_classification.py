"""Up-E(C): MultiHeadClassifier sharing a head's columns through the GV-D
label system, the ClassFolderSubset halves of the CIFAR-10 extract, and the
Up-E(C) config trained 2 iterations with mmengine's Runner."""
import math
import os.path as osp

import pytest
import torch
import torch.nn.functional as F

from _utils import REPO, data_path, needs_data
import mmintern  # noqa: F401  (registers MetaNet, the datasets, the hooks)
from mmintern.gvb.mini_suite import GVB_FILES, UPSTREAM_FILES, class_files
from mmintern.engine.hooks.load_stage_checkpoint_hook import \
    LoadStageCheckpointHook
from mmintern.models.backbones import MetaNet
from mmintern.models.classifiers.multi_head_classifier import (
    MultiHeadClassifier, share_label_columns)

CIFAR = data_path('cifar10', 'test')
CFG = osp.join(REPO, 'configs', 'intern', 'up-e-c_metanet-b1_cifar10.py')
needs_cifar = needs_data('cifar10', 'test', 'automobile')

A = ('cat', 'automobile', 'frog')
B = ('car', 'cat', 'xqzzv blorf')
CIFAR10 = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog',
           'horse', 'ship', 'truck')
STL10_STANDIN = ('airplane', 'bird', 'car', 'cat', 'deer', 'dog', 'horse',
                 'ship', 'truck')


def samples(*names_labels):
    from mmpretrain.structures import DataSample
    return [DataSample(metainfo=dict(dataset=n)).set_gt_label(label)
            for n, label in names_labels]


@pytest.fixture(scope='module')
def model():
    torch.manual_seed(0)
    return MultiHeadClassifier(
        backbone=dict(type='MetaNet', arch='b1', out_indices=(5, )),
        classes=dict(A=A, B=B), share_classes=True,
        loss_weights=dict(A=2., B=1.)).eval()


# ------------------------------------------------------------ the layout
def test_hand_built_layout_shares_cat_and_car():
    layout = share_label_columns(dict(A=A, B=B))
    # A's classes first, in order; B's car reuses A's automobile column
    # and B's cat A's cat column; frog and the unmatched name are own.
    assert layout.columns == dict(A=[0, 1, 2], B=[1, 0, 3])
    assert layout.shared == {0: 'n02121620', 1: 'n02958343'}  # WordNet's
    # cat and car
    assert layout.column_names == ['cat', 'car', 'A/frog', 'B/xqzzv blorf']
    assert layout.mappings['A']['automobile'].kind == 'synonym'
    assert layout.mappings['B'].unmatched == [B[2]]
    assert 'unmatched' in layout.reasons['B'][2]
    assert 'no other dataset' in layout.reasons['A'][2]
    summary = layout.summary()
    assert "[1] shared 'car'" in summary and "A:'automobile'" in summary
    assert '4 columns for 6 classes of 2 datasets, 2 shared' in summary


def test_parent_matches_and_ambiguous_concepts_do_not_share():
    # 'car side' is a parent match of 'car': its own column by default,
    # shared only when parent matches are asked to share.
    layout = share_label_columns(dict(A=('car side', 'cat'), B=('car', )))
    assert layout.columns == dict(A=[0, 1], B=[2]) and not layout.shared
    assert 'parent match' in layout.reasons['A'][0]
    layout = share_label_columns(dict(A=('car side', 'cat'), B=('car', )),
                                 share_kinds=('exact', 'synonym', 'parent'))
    assert layout.columns == dict(A=[0, 1], B=[0])
    # Two classes of A name one synset: the label system keeps 'car' there
    # and puts 'automobile' under it (a parent match), so 'car' shares.
    layout = share_label_columns(dict(A=('car', 'automobile'), B=('car', )))
    assert layout.columns == dict(A=[0, 1], B=[0])
    assert "parent match 'car'" in layout.reasons['A'][1]
    # Overrides that send both to car: one column cannot stand for both,
    # so neither shares with B's car.
    both = dict(A=dict(car='n02958343', automobile='n02958343'))
    layout = share_label_columns(dict(A=('car', 'automobile'), B=('car', )),
                                 overrides=both)
    assert layout.columns == dict(A=[0, 1], B=[2]) and not layout.shared
    assert '2 classes' in layout.reasons['A'][1]
    with pytest.raises(ValueError, match='match kinds'):
        share_label_columns(dict(A=A), share_kinds=('fuzzy', ))


def test_config_layout_maps_automobile_and_car_to_one_concept():
    layout = share_label_columns(dict(cifar10=CIFAR10,
                                      stl10_standin=STL10_STANDIN))
    assert layout.num_columns == 10 and len(layout.shared) == 9
    cols = layout.columns
    car = cols['cifar10'][CIFAR10.index('automobile')]
    assert cols['stl10_standin'][STL10_STANDIN.index('car')] == car
    assert layout.column_names[car] == 'car'
    for name in STL10_STANDIN:  # every stand-in class shares, in its order
        if name != 'car':
            assert cols['stl10_standin'][STL10_STANDIN.index(name)] == \
                cols['cifar10'][CIFAR10.index(name)]
    assert layout.column_names[cols['cifar10'][6]] == 'cifar10/frog'


# ------------------------------------------------------------ the model
def test_model_columns_and_validation(model):
    assert model.heads is None
    assert model.shared_head.out_features == 4
    assert {k: v.tolist() for k, v in model.columns.items()} == \
        dict(A=[0, 1, 2], B=[1, 0, 3])
    assert model.num_classes == dict(A=3, B=3)
    # The column indices are buffers (they follow .to()) but not in
    # checkpoints: a checkpoint holds the plain Linear.
    assert not any(k.startswith('columns') for k in model.state_dict())
    assert {'shared_head.weight', 'shared_head.bias'} <= \
        set(model.state_dict())

    backbone = dict(type='MetaNet', arch='b1', out_indices=(5, ))
    with pytest.raises(ValueError, match='class count mismatch'):
        MultiHeadClassifier(backbone, heads=dict(A=4, B=3),
                            classes=dict(A=A, B=B))
    with pytest.raises(ValueError, match='twice'):
        MultiHeadClassifier(backbone, classes=dict(A=('cat', 'dog', 'cat')))
    with pytest.raises(ValueError, match='give classes'):
        MultiHeadClassifier(backbone, heads=dict(A=3), share_classes=True)
    with pytest.raises(ValueError, match='heads .* or classes'):
        MultiHeadClassifier(backbone)
    with pytest.raises(TypeError, match='sequence of names'):
        MultiHeadClassifier(backbone, classes=dict(A='cat'))
    x = torch.randn(1, 3, 32, 32)
    with pytest.raises(KeyError, match='no head'):
        model.loss(x, samples(('C', 0)))
    with pytest.raises(ValueError, match=r'in \[0, 3\)'):
        model.loss(x, samples(('A', 3)))


def test_loss_is_cross_entropy_over_own_columns_only(model):
    # Zero weights: the logits are the biases, whatever the image. Column
    # 3 (B's unshared class) is large: had A's loss included it, A's
    # cross-entropy would be about 7 larger.
    bias = torch.tensor([1., 2., 3., 10.])
    with torch.no_grad():
        model.shared_head.weight.zero_()
        model.shared_head.bias.copy_(bias)
    x = torch.randn(2, 3, 32, 32)
    # A's 'automobile' (column 1) and B's 'car' (column 1, B's label 0).
    losses = model.loss(x, samples(('A', 1), ('B', 0)))
    ce_a = math.log(math.exp(1) + math.exp(2) + math.exp(3)) - 2
    ce_b = math.log(math.exp(2) + math.exp(1) + math.exp(10)) - 2
    assert losses['ce_A'].item() == pytest.approx(ce_a, rel=1e-5)
    assert losses['ce_B'].item() == pytest.approx(ce_b, rel=1e-5)
    assert losses['loss'].item() == pytest.approx((2 * ce_a + ce_b) / 3,
                                                  rel=1e-5)

    # With real weights: the same as F.cross_entropy of the gathered
    # columns, in each dataset's label order.
    torch.manual_seed(1)
    with torch.no_grad():
        model.shared_head.weight.normal_(std=0.1)
        feats = model.extract_feat(x)
        full = model.shared_head(feats)
    losses = model.loss(x, samples(('A', 2), ('B', 2)))
    torch.testing.assert_close(
        losses['ce_A'], F.cross_entropy(full[[0]][:, [0, 1, 2]],
                                        torch.tensor([2])))
    torch.testing.assert_close(
        losses['ce_B'], F.cross_entropy(full[[1]][:, [1, 0, 3]],
                                        torch.tensor([2])))


def test_a_batch_of_a_leaves_b_only_columns_without_gradient(model):
    torch.manual_seed(2)
    with torch.no_grad():
        model.shared_head.weight.normal_(std=0.1)
    model.zero_grad(set_to_none=True)
    x = torch.randn(2, 3, 32, 32)
    model.loss(x, samples(('A', 0), ('A', 2)))['loss'].backward()
    grad_w = model.shared_head.weight.grad
    grad_b = model.shared_head.bias.grad
    assert torch.all(grad_w[3] == 0) and grad_b[3] == 0  # B's own class
    assert all(grad_w[c].abs().sum() > 0 for c in (0, 1, 2))  # A's columns
    assert model.backbone.stem.conv.weight.grad is not None
    model.zero_grad(set_to_none=True)


def test_predict_and_tensor_mode_per_dataset(model):
    bias = torch.tensor([1., 2., 3., 10.])
    with torch.no_grad():
        model.shared_head.weight.zero_()
        model.shared_head.bias.copy_(bias)
    x = torch.randn(3, 3, 32, 32)
    data = samples(('B', 0), ('A', 1))
    preds = model(x, [dict(dataset='A')] + data, mode='predict')
    # Each over its dataset's classes, in its label order: A is (cat,
    # automobile, frog) = columns (0, 1, 2); B is (car, cat, spaceship) =
    # columns (1, 0, 3).
    torch.testing.assert_close(preds[0].pred_score,
                               F.softmax(bias[[0, 1, 2]], 0))
    torch.testing.assert_close(preds[1].pred_score,
                               F.softmax(bias[[1, 0, 3]], 0))
    assert preds[1] is data[0] and preds[0].metainfo['dataset'] == 'A'
    for pred in preds:
        assert pred.pred_score.shape == (3, )
        assert pred.pred_score.sum().item() == pytest.approx(1., abs=1e-6)
    assert preds[1].pred_label.item() == 2  # B's spaceship (bias 10)
    out = model(x)
    assert set(out) == {'A', 'B'}
    torch.testing.assert_close(out['B'], bias[[1, 0, 3]].expand(3, 3))


def test_default_mode_with_classes_keeps_separate_heads():
    torch.manual_seed(0)
    plain = MultiHeadClassifier(
        backbone=dict(type='MetaNet', arch='b1', out_indices=(5, )),
        classes=dict(A=A, B=B))
    assert plain.shared_head is None and plain.columns == {}
    assert plain.label_columns is None
    assert {k: h.out_features for k, h in plain.heads.items()} == \
        dict(A=3, B=3)


# ------------------------------------------------------------ the data
@needs_cifar
def test_config_halves_are_disjoint_and_named_as_documented():
    from mmengine.config import Config
    from mmengine.registry import DATASETS, DefaultScope
    cfg = Config.fromfile(CFG)
    assert tuple(cfg.model.classes.cifar10) == CIFAR10
    assert tuple(cfg.model.classes.stl10_standin) == STL10_STANDIN
    halves = []
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        for ds_cfg in cfg.train_dataloader.dataset.datasets:
            ds_cfg = ds_cfg.copy()
            ds_cfg.update(data_root=CIFAR, pipeline=[])
            halves.append(DATASETS.build(ds_cfg))
    cifar, stl = halves
    assert cifar.CLASSES == CIFAR10 and stl.CLASSES == STL10_STANDIN
    assert len(cifar) == 10 * 50 and len(stl) == 9 * 50
    paths = [{d.get_data_info(i)['img_path'] for i in range(len(d))}
             for d in halves]
    assert not paths[0] & paths[1]
    # Together the halves are the upstream files of each shared folder,
    # never one of the GV-B mini suite's.
    folders = {osp.basename(osp.dirname(p)) for p in paths[1]}
    assert 'frog' not in folders and 'car' not in folders
    upstream = class_files(CIFAR, UPSTREAM_FILES)
    for folder in folders:
        both = {p for p in paths[0] | paths[1]
                if osp.basename(osp.dirname(p)) == folder}
        assert both == set(upstream[folder])
    held_out = set(sum(class_files(CIFAR, GVB_FILES).values(), []))
    assert not (paths[0] | paths[1]) & held_out
    # The stand-in's 'car' is CIFAR's automobile folder.
    for i in range(len(stl)):
        info = stl.get_data_info(i)
        folder = osp.basename(osp.dirname(info['img_path']))
        expect = 'automobile' if STL10_STANDIN[info['gt_label']] == 'car' \
            else STL10_STANDIN[info['gt_label']]
        assert folder == expect


# ------------------------------------------------------------ the runner
@needs_cifar
def test_runner_trains_the_config_from_a_stage_checkpoint(tmp_path):
    from mmengine.config import Config
    from mmengine.hooks import Hook
    from mmengine.runner import Runner

    # An Up-A-L-like checkpoint: a MetaNet-B1 backbone (shifted, so that no
    # fresh init could equal it) and a key of another module, which the
    # mapping must drop.
    torch.manual_seed(123)
    state = {f'backbone.{k}': v + 0.01 if v.is_floating_point() else v
             for k, v in MetaNet('b1', out_indices=(4, )).state_dict().items()}
    state['dense_projector.0.weight'] = torch.zeros(2, 2)
    ckpt = str(tmp_path / 'up_a_l.pth')
    torch.save({'state_dict': state}, ckpt)

    cfg = Config.fromfile(CFG)
    hook = cfg.custom_hooks[0]
    assert hook.type == 'LoadStageCheckpointHook'
    assert hook.stage == 'up-a-l_metanet-b1_flickr8k'
    for ds_cfg in cfg.train_dataloader.dataset.datasets:
        ds_cfg.data_root = CIFAR
    cfg.merge_from_dict({
        'train_cfg.max_iters': 2,
        'default_hooks.logger.interval': 1,
        'default_hooks.checkpoint.interval': 2,
        'custom_hooks.0.checkpoint': ckpt,
        'work_dir': str(tmp_path / 'work'),
    })
    runner = Runner.from_cfg(cfg)

    class Record(Hook):
        """The backbone after the stage hook (VERY_HIGH) ran, and each
        iteration's batch datasets and loss."""

        def __init__(self):
            self.steps = []

        def before_train(self, runner):
            self.backbone = {
                k: v.clone()
                for k, v in runner.model.backbone.state_dict().items()
            }

        def after_train_iter(self, runner, batch_idx, data_batch=None,
                             outputs=None):
            names = {s.metainfo['dataset'] for s in data_batch['data_samples']}
            self.steps.append((names, outputs['loss'].item()))

    record = Record()
    runner.register_hook(record, priority='NORMAL')
    runner.train()
    assert runner.iter == 2
    assert osp.isfile(osp.join(cfg.work_dir, 'iter_2.pth'))

    model = runner.model
    assert model.share_classes and model.shared_head.out_features == 10
    stage = [h for h in runner.hooks
             if isinstance(h, LoadStageCheckpointHook)][0]
    assert stage.loaded_keys == sorted(k for k in model.state_dict()
                                       if k.startswith('backbone.'))
    for k, v in record.backbone.items():
        torch.testing.assert_close(v, state[f'backbone.{k}'])
    for names, loss in record.steps:
        # One dataset per batch; a loss near log(own classes) at start.
        assert len(names) == 1 and names <= {'cifar10', 'stl10_standin'}
        assert math.isfinite(loss) and 0 < loss < 10
