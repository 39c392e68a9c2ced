"""MultiTaskExpert (Up-E(D), Up-E(S), Up-G): one shared trunk under mmdet,
mmseg and mmpretrain task models, its routing, loss weights, trunk export,
and the three configs training on real data with mmengine's Runner."""
import copy
import importlib.util
import inspect
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

# Registered explicitly: until mmintern's package __init__ files import
# them, `import mmintern` does not.
import mmintern.datasets.multi_dataset_sampler  # noqa: F401
import mmintern.datasets.transforms.add_dataset_name  # noqa: F401
import mmintern.engine.hooks.load_stage_checkpoint_hook  # noqa: F401
from _utils import REPO, SHARED_DATA, config_path, require_data
from mmintern.datasets import write_shapes_coco
from mmintern.datasets.synthetic_shapes_seg import (SHAPE_SEG_CLASSES,
                                                    write_shapes_seg)
from mmintern.models.algorithms.multi_task_expert import MultiTaskExpert
from mmintern.models.backbones import MetaNet
from mmintern.models.backbones.trunk_view import TrunkView
from mmintern.utils import load_weights_only

OUT = (1, 2, 4, 5)
SIZE = 64
UP_E_D = 'up-e-d_metanet-b1_raccoon-shapes'
UP_E_S = 'up-e-s_metanet-b1_camvid-shapes'
UP_G = 'up-g_metanet-b1_multitask'


@pytest.fixture(scope='module', autouse=True)
def one_thread():
    """One intra-op thread while this module runs: on the 2 shared cores
    of the test machine, two OpenMP threads per process made these small
    steps 5x slower (104 s against 19 s for the module)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _cfg(name: str) -> Config:
    return Config.fromfile(config_path('intern', f'{name}.py'))


@pytest.fixture(scope='module')
def model():
    """The Up-G config's three task models (mmpretrain, mmdet, mmseg) on a
    plain MetaNet-B1 trunk."""
    cfg = _cfg(UP_G).model
    cfg.backbone = dict(type='MetaNet', arch='b1', out_indices=OUT)
    torch.manual_seed(0)
    model = MultiTaskExpert(**{k: v for k, v in cfg.items() if k != 'type'})
    model.init_weights()
    return model.train()


def _det_batch(name='raccoon', n=2):
    from mmdet.structures import DetDataSample
    from mmengine.structures import InstanceData
    g = torch.Generator().manual_seed(1)
    inputs, samples = [], []
    for _ in range(n):
        inputs.append(torch.randint(0, 256, (3, SIZE, SIZE), generator=g,
                                    dtype=torch.uint8))
        sample = DetDataSample(metainfo=dict(
            img_shape=(SIZE, SIZE), ori_shape=(SIZE, SIZE),
            scale_factor=(1., 1.), dataset=name))
        sample.gt_instances = InstanceData(
            bboxes=torch.tensor([[8., 10., 40., 50.]]),
            labels=torch.tensor([0]))
        samples.append(sample)
    return inputs, samples


def _seg_batch(name='camvid', n=2):
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample
    g = torch.Generator().manual_seed(2)
    inputs, samples = [], []
    for _ in range(n):
        inputs.append(torch.randint(0, 256, (3, SIZE, SIZE), generator=g,
                                    dtype=torch.uint8))
        sample = SegDataSample(metainfo=dict(
            img_shape=(SIZE, SIZE), ori_shape=(SIZE, SIZE), dataset=name))
        sample.gt_sem_seg = PixelData(data=torch.randint(
            0, 12, (1, SIZE, SIZE), generator=g))
        samples.append(sample)
    return inputs, samples


def _cls_batch(names=('cifar10', 'cifar10')):
    from mmpretrain.structures import DataSample
    inputs = [torch.full((3, SIZE, SIZE), 100, dtype=torch.uint8)
              for _ in names]
    samples = [DataSample(metainfo=dict(dataset=name)).set_gt_label(3)
               for name in names]
    return inputs, samples


def test_trunk_is_shared_once(model):
    trunk_keys = set(model.backbone.state_dict())
    keys = list(model.state_dict())
    assert all(k.startswith(('backbone.', 'tasks.')) for k in keys)
    assert {k[len('backbone.'):] for k in keys
            if k.startswith('backbone.')} == trunk_keys
    assert list(model.tasks) == ['cifar10', 'raccoon', 'camvid']
    for name, task in model.tasks.items():
        # Each task model runs on a view of the one trunk...
        assert isinstance(task.backbone, TrunkView)
        assert task.backbone.trunk is model.backbone
        # ...that is not its submodule: no trunk keys, no trunk parameters.
        assert not any(k.startswith('backbone.') for k in task.state_dict())
        assert not list(task.backbone.parameters())
    trunk_params = {id(p) for p in model.backbone.parameters()}
    params = list(model.parameters())
    assert len(params) == len({id(p) for p in params})
    assert sum(id(p) in trunk_params for p in params) == len(trunk_params)
    assert model.tasks['cifar10'].backbone.indices == (3, )
    # A deep copy (EMA, AveragedModel) shares its own copy the same way.
    clone = copy.deepcopy(model)
    assert clone.tasks['raccoon'].backbone.trunk is clone.backbone
    assert clone.backbone is not model.backbone


def test_routes_a_batch_to_its_task_only(model):
    model.zero_grad()
    losses = model(*_det_batch(), mode='loss')
    assert set(losses) == {'raccoon.loss_cls', 'raccoon.loss_bbox'}
    loss, _ = model.parse_losses(losses)
    loss.backward()
    assert model.backbone.stem.conv.weight.grad.abs().sum() > 0
    assert all(p.grad is not None for p in model.tasks['raccoon'].parameters()
               if p.requires_grad)
    for idle in ('cifar10', 'camvid'):
        assert all(p.grad is None for p in model.tasks[idle].parameters())
    model.zero_grad()
    losses = model(*_cls_batch(), mode='loss')
    assert set(losses) == {'cifar10.loss'}
    with torch.no_grad():
        assert model(*_cls_batch(), mode='tensor').shape == (2, 10)
    with torch.no_grad():
        (pred, _) = model(*_det_batch(), mode='predict')
    assert pred.pred_instances.bboxes.shape[-1] == 4
    with torch.no_grad():
        preds = model(*_seg_batch(), mode='predict')
    assert preds[0].pred_sem_seg.data.shape == (1, SIZE, SIZE)


def test_mixed_unknown_and_unnamed_batches_raise(model):
    with pytest.raises(ValueError, match='RatioMultiDatasetSampler'):
        model(*_cls_batch(('cifar10', 'raccoon')), mode='loss')
    with pytest.raises(KeyError, match=r"'nope'.*cifar10.*raccoon.*camvid"):
        model(*_cls_batch(('nope', 'nope')), mode='loss')
    from mmpretrain.structures import DataSample
    with pytest.raises(KeyError, match='AddDatasetName'):
        model([torch.zeros(3, SIZE, SIZE)], [DataSample()], mode='loss')
    with pytest.raises(RuntimeError, match='Invalid mode'):
        model(*_cls_batch(), mode='features')


def test_task_configs_are_checked():
    from mmpretrain.models import ImageClassifier
    backbone = dict(type='MetaNet', arch='b1', out_indices=OUT)
    task = dict(type='mmpretrain.ImageClassifier',
                head=dict(type='LinearClsHead', num_classes=2,
                          in_channels=192))
    # A task's own backbone is replaced. Under a foreign default scope, a
    # scoped type or a class type is built under its library's scope (its
    # unscoped 'LinearClsHead' is mmpretrain's, not in mmdet's registry).
    with DefaultScope.overwrite_default_scope('mmdet'):
        model = MultiTaskExpert(backbone, dict(
            a=dict(task, backbone=dict(type='MetaNet', arch='b1')),
            b=dict(task, type=ImageClassifier)))
    assert all(isinstance(t.backbone, TrunkView) and
               t.backbone.trunk is model.backbone
               for t in model.tasks.values())
    for bad in ('glossy', 'a.b', ''):
        with pytest.raises(ValueError, match='task name'):
            MultiTaskExpert(backbone, {bad: task})
    with pytest.raises(KeyError, match=r"\['other'\].*\['a'\]"):
        MultiTaskExpert(backbone, dict(a=task), loss_weights=dict(other=1))
    with pytest.raises(KeyError, match='outputs'):
        MultiTaskExpert(backbone, dict(a=task), outputs=dict(b=(0, )))
    with pytest.raises(TypeError, match='ClsDataPreprocessor'):
        MultiTaskExpert(backbone, dict(a=task), data_preprocessor=dict(
            type='mmpretrain.ClsDataPreprocessor'))


def test_loss_weights_scale_the_task_losses_exactly(model):
    try:
        results = {}
        for weight in (1., .25):
            model.loss_weights['camvid'] = weight
            model.loss_weights['raccoon'] = weight
            torch.manual_seed(3)  # the FCN head's dropout
            results[weight] = {**model(*_seg_batch(), mode='loss'),
                               **model(*_det_batch(), mode='loss')}
    finally:
        model.loss_weights.update(camvid=1., raccoon=1.)
    one, quarter = results[1.], results[.25]
    assert set(one) == {'camvid.decode.loss_ce', 'camvid.decode.acc_seg',
                        'raccoon.loss_cls', 'raccoon.loss_bbox'}
    for key in one:
        a, b = one[key], quarter[key]
        if 'loss' not in key:  # accuracy: logged, not scaled
            assert torch.equal(a, b)
        elif isinstance(a, torch.Tensor):
            assert torch.equal(a * .25, b)
        else:  # RetinaHead: one tensor per FPN level
            assert all(torch.equal(x * .25, y) for x, y in zip(a, b))


def _export_tool():
    path = osp.join(REPO, 'tools', 'model_converters', 'export_backbone.py')
    spec = importlib.util.spec_from_file_location('export_backbone', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _assert_loads_into_metanet(path, model):
    state = load_weights_only(path)['state_dict']
    assert all(k.startswith('backbone.') for k in state)
    fresh = MetaNet('b1', out_indices=OUT)
    fresh.load_state_dict({k[len('backbone.'):]: v
                           for k, v in state.items()}, strict=True)
    for k, v in model.backbone.state_dict().items():
        assert torch.equal(fresh.state_dict()[k], v)


def test_export_trunk_and_export_backbone_round_trip(model, tmp_path,
                                                     capsys):
    path = str(tmp_path / 'trunk.pth')
    model.export_trunk(path)
    _assert_loads_into_metanet(path, model)
    # An mmengine-style training checkpoint through the tool.
    ckpt = str(tmp_path / 'iter_2.pth')
    torch.save(dict(meta=dict(iter=2), state_dict=model.state_dict()), ckpt)
    tool = _export_tool()
    out = str(tmp_path / 'out' / 'backbone.pth')
    assert tool.main([ckpt, out]) == 0
    _assert_loads_into_metanet(out, model)
    # --prefix re-roots a nested module as backbone.*.
    assert tool.main([ckpt, str(tmp_path / 'neck.pth'), '--prefix',
                      'tasks.raccoon.neck.']) == 0
    neck = load_weights_only(str(tmp_path / 'neck.pth'))['state_dict']
    assert set(neck) == {f'backbone.{k}' for k in
                         model.tasks['raccoon'].neck.state_dict()}
    capsys.readouterr()
    assert tool.main([str(tmp_path / 'missing.pth'), out]) == 1
    assert 'does not exist' in capsys.readouterr().err
    assert tool.main([ckpt, out, '--prefix', 'image_encoder.']) == 1
    err = capsys.readouterr().err
    assert "no tensor under 'image_encoder.'" in err and 'tasks.' in err


def test_shapes_seg_labels_match_the_images(tmp_path):
    written = write_shapes_seg(str(tmp_path), dict(train=3), seed=4)
    assert written == dict(train=dict(img_path='img_dir/train',
                                      seg_map_path='ann_dir/train'))
    for i in range(3):
        image = cv2.imread(str(tmp_path / 'img_dir/train' / f'{i:05d}.png'))
        label = cv2.imread(str(tmp_path / 'ann_dir/train' / f'{i:05d}.png'),
                           cv2.IMREAD_UNCHANGED)
        assert label.dtype == np.uint8 and label.shape == image.shape[:2]
        assert label.max() < len(SHAPE_SEG_CLASSES) and label.max() > 0
        # Shapes are painted in 120-255 per channel, the background in
        # 0-79: a pixel is labelled exactly where a shape was painted.
        assert np.array_equal(image.max(axis=2) >= 120, label > 0)


def _shrink(node):
    """Halve the pipelines' image sizes: 64 px, enough for a 2-step run."""
    if isinstance(node, dict):
        if str(node.get('type', '')).split('.')[-1] == 'Resize':
            node['scale'] = tuple(s // 2 for s in node['scale'])
        for value in node.values():
            _shrink(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _shrink(value)


@pytest.mark.parametrize('name', [UP_E_D, UP_E_S, UP_G])
def test_config_trains_two_iterations(name, tmp_path, monkeypatch):
    from mmengine.runner import Runner
    require_data()
    monkeypatch.setenv('INTERN_DATA_ROOT', SHARED_DATA)
    write_shapes_coco(str(tmp_path / 'shapes'), dict(train=4), seed=0)
    monkeypatch.setenv('INTERN_SHAPES_ROOT', str(tmp_path / 'shapes'))
    write_shapes_seg(str(tmp_path / 'shapes_seg'), dict(train=4), seed=0)
    monkeypatch.setenv('INTERN_SHAPES_SEG_ROOT', str(tmp_path / 'shapes_seg'))
    cfg = _cfg(name)
    assert cfg.model.type == 'MultiTaskExpert'
    _shrink(cfg.train_dataloader)
    cfg.work_dir = str(tmp_path / 'work')
    cfg.train_cfg.max_iters = 2
    cfg.default_hooks.checkpoint.interval = 2
    cfg.default_hooks.logger.interval = 1

    # Every LoadStageCheckpointHook gets a fresh MetaNet-B1 saved as an
    # earlier stage does (`backbone.*`, Up-A-L's out_indices (4, )).
    hooks = [h for h in cfg.custom_hooks
             if h.type == 'LoadStageCheckpointHook']
    from mmintern.engine.hooks.load_stage_checkpoint_hook import \
        LoadStageCheckpointHook
    takes_stage = 'stage' in inspect.signature(
        LoadStageCheckpointHook).parameters
    torch.manual_seed(5)
    source = {f'backbone.{k}': v for k, v in
              MetaNet('b1', out_indices=(4, )).state_dict().items()}
    stage_ckpt = str(tmp_path / 'stage.pth')
    torch.save(dict(state_dict=source), stage_ckpt)
    assert hooks and all(h.stage for h in hooks)
    for hook in hooks:
        hook.checkpoint = stage_ckpt
        if not takes_stage:
            hook.pop('stage')

    runner = Runner.from_cfg(cfg)
    runner.train()
    model = runner.model
    loaded = [h for h in runner.hooks
              if isinstance(h, LoadStageCheckpointHook)]
    assert len(loaded) == len(hooks)
    for hook in loaded:
        assert len(hook.loaded_keys) == len(source)
    if name == UP_G:
        # CIFAR-10: only the files stages may train on (0-99 of a class).
        cifar = runner.train_dataloader.dataset.datasets[0]
        files = [osp.basename(cifar.get_data_info(i)['img_path'])
                 for i in range(len(cifar))]
        assert len(files) == 1000
        assert all(int(osp.splitext(f)[0]) < 100 for f in files)
        # The frozen experts still hold the stage weights after training,
        # and so does the trunk: FreezeScheduleHook keeps it frozen for the
        # first 5 iterations, while the new task models warm up.
        for branch in list(model.backbone.experts.values()) + [
                model.backbone.trunk]:
            assert torch.equal(branch.stem.conv.weight,
                               source['backbone.stem.conv.weight'])
    ckpt = load_weights_only(str(tmp_path / 'work' / 'iter_2.pth'))
    keys = list(ckpt['state_dict'])
    assert all(k.startswith(('backbone.', 'tasks.')) for k in keys)
    assert len([k for k in keys if k.startswith('backbone.')]) == len(
        model.backbone.state_dict())
    logged = runner.message_hub.log_scalars
    tasks = set(cfg.model.tasks)
    assert any(k.split('/')[-1].split('.')[0] in tasks for k in logged)
