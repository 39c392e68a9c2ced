"""The 20 GV-B classification configs run end to end on tiny fixtures.

Each fixture (``mmintern/testing/gvb_samples/classification.py``) is in its
dataset's official on-disk layout, so a run checks the config, the dataset
class and the layout the config's header documents together. The runs are
shrunk for a CPU: MetaNet-B1, 32x32 inputs, batch 2, two iterations.
"""
import copy
import json
import os
import os.path as osp
import re

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DATASETS, init_default_scope
from mmengine.runner import Runner

import mmintern.gvb.datasets  # noqa: F401  (registers the GV-B datasets)
from _utils import REPO, config_path, gvb_config, require_data
from mmintern.testing.gvb_samples.classification import (
    FIXTURES, fixture_image, write_fixture)
from mmintern.gvb.evaluation import gvb_datasets

KEYS = sorted(FIXTURES)
# The datasets whose pixels come from a container file, not image files.
ARRAY_DATASETS = ('cifar10', 'cifar100', 'svhn', 'fer2013', 'pcam')
NEEDS = dict(svhn='scipy', flowers102='scipy', cars='scipy', dtd='scipy',
             pcam='h5py')
SIDE = 32


@pytest.fixture(autouse=True)
def one_thread():
    """Run on one thread: these models are tiny, and on a loaded 2-core
    machine several threads per process make a forward 10x slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _shrink_pipeline(pipeline) -> None:
    for step in pipeline:
        if step['type'] == 'ResizeEdge':
            step['scale'] = SIDE
        elif step['type'] == 'CenterCrop':
            step['crop_size'] = SIDE


def _inner(dataset: dict) -> dict:
    """The dataset config inside the PercentageDataset wrapper."""
    return dataset.dataset if dataset.type == 'PercentageDataset' \
        else dataset


def _tiny_run_config(cfg: Config, work_dir: str) -> Config:
    """Shrink a GV-B classification config to a seconds-long CPU run."""
    cfg.model.backbone.arch = 'b1'
    cfg.train_cfg.max_iters = 2
    cfg.train_cfg.val_interval = 2
    for split in ('train', 'val', 'test'):
        loader = cfg[f'{split}_dataloader']
        loader.batch_size = 2
        loader.num_workers = 0
        loader.pop('persistent_workers', None)
        _shrink_pipeline(_inner(loader.dataset).pipeline)
    # No checkpoint: the test reads the metrics, not the weights.
    cfg.default_hooks.checkpoint = None
    cfg.work_dir = work_dir
    cfg.log_level = 'WARNING'
    return cfg


CLASSIFICATION = {
    name: dataset
    for name, dataset in gvb_datasets().items()
    if dataset.task == 'classification'
}


def test_a_config_for_every_gvb_classification_dataset():
    assert set(CLASSIFICATION) == set(KEYS)
    for key in KEYS:
        assert osp.isfile(config_path('gvb', 'classification', f'{key}.py'))


@pytest.mark.parametrize('key', KEYS)
def test_config_runs_end_to_end_on_fixture(key, tmp_path, monkeypatch):
    if key in NEEDS:
        pytest.importorskip(NEEDS[key])
    gvb_root = str(tmp_path / 'gvb')
    write_fixture(gvb_root, key)
    cfg = gvb_config(config_path('gvb', 'classification', f'{key}.py'),
                     gvb_root)
    cfg.train_dataloader.dataset.percentage = 50.

    # The conventions of configs/gvb/README.md.
    assert cfg.gvb.dataset == key
    train = cfg.train_dataloader.dataset
    assert train.type == 'PercentageDataset' and train.percentage == 50.
    assert train.dataset.data_root == f'{gvb_root}/{key}/'
    assert cfg.val_dataloader.dataset.data_root == f'{gvb_root}/{key}/'
    assert cfg.test_dataloader.dataset == cfg.val_dataloader.dataset
    steps = [s['type'] for s in train.dataset.pipeline]
    assert ('LoadImageFromFile' in steps) == (key not in ARRAY_DATASETS)
    (metric, metric_key), = cfg.gvb.metric_keys.items()
    assert (metric, ) == CLASSIFICATION[key].metrics

    runner = Runner.from_cfg(_tiny_run_config(cfg, str(tmp_path / 'work')))
    runner.train()
    kept = runner.train_dataloader.dataset
    assert 0 < len(kept) < len(kept.dataset)
    metrics = runner.test()
    assert metric_key in metrics, (metric, sorted(metrics))
    assert 0 <= metrics[metric_key] <= 100
    # The test loop reports through the GVBEvaluator: GV-B's name, scale.
    assert metrics[f'gvb/{metric}'] == pytest.approx(metrics[metric_key])
    assert 'gvb/error_reduction' in metrics


def test_cifar10_on_real_jpegs_at_10_percent(tmp_path, monkeypatch):
    root = require_data('cifar10', 'test')
    cfg = Config.fromfile(
        config_path('gvb', '_base_', 'classification_linear.py'))
    assert cfg.train_dataloader.dataset.percentage == 10.  # the default
    dataset = dict(type='CustomDataset', data_root=root,
                   pipeline=cfg.pipeline)
    cfg.train_dataloader.dataset.dataset = dataset
    cfg.val_dataloader.dataset = dataset
    cfg.test_dataloader.dataset = dataset
    cfg.model.head.num_classes = 10
    cfg = _tiny_run_config(cfg, str(tmp_path / 'work'))
    # Evaluate the 2000 images once (in runner.test), in large batches.
    cfg.train_cfg.val_interval = 3
    cfg.val_dataloader.batch_size = cfg.test_dataloader.batch_size = 100
    runner = Runner.from_cfg(cfg)
    runner.train()
    kept = runner.train_dataloader.dataset
    # 200 images per class, of which 10% per class: 20 of each.
    assert len(kept.dataset) == 2000 and len(kept) == 200
    assert kept.statistics()['min'] == kept.statistics()['max'] == 20
    metrics = runner.test()
    assert 0 <= metrics['accuracy/top1'] <= 100


@pytest.mark.parametrize('key', ['cifar10', 'svhn', 'pcam'])
def test_array_datasets_give_bgr_like_load_image_from_file(
        key, tmp_path, monkeypatch):
    """The GV-B preprocessor converts BGR to RGB, so in-memory images must
    be BGR, as ``LoadImageFromFile`` reads files."""
    if key in NEEDS:
        pytest.importorskip(NEEDS[key])
    write_fixture(str(tmp_path), key)
    cfg = gvb_config(config_path('gvb', 'classification', f'{key}.py'),
                     str(tmp_path))
    init_default_scope('mmpretrain')
    dataset = DATASETS.build(cfg.val_dataloader.dataset)
    info = dataset.get_data_info(0)
    img = dataset.prepare_data(0)['inputs'].numpy().transpose(1, 2, 0)
    side = 96 if key == 'pcam' else 32
    # The first test image of the fixture, stored as RGB; ResizeEdge and
    # CenterCrop at 224 keep the colour order.
    rgb = fixture_image(info['gt_label'], 4, side)
    assert img.shape == (224, 224, 3)
    assert np.abs(img.reshape(-1, 3).mean(0) -
                  rgb[..., ::-1].reshape(-1, 3).mean(0)).max() < 3


@pytest.mark.parametrize('type_', [
    'SVHNMat', 'FER2013', 'PatchCamelyon', 'DiabeticRetinopathy', 'GTSRB',
    'UCF101Frames', 'KineticsFrames', 'EuroSAT', 'RESISC45', 'GVBCIFAR10',
    'StanfordCarsFiles', 'Caltech101Folders'
])
def test_missing_files_are_named(type_, tmp_path):
    if type_ == 'PatchCamelyon':
        pytest.importorskip('h5py')
    init_default_scope('mmpretrain')
    split = 'test'
    if type_ == 'KineticsFrames':
        split = 'val'
    with pytest.raises(FileNotFoundError, match=re.escape(str(tmp_path))):
        DATASETS.build(dict(type=type_, data_root=str(tmp_path),
                            split=split))


def test_class_folder_split_is_seeded_and_disjoint(tmp_path):
    write_fixture(str(tmp_path), 'eurosat')
    init_default_scope('mmpretrain')
    root = str(tmp_path / 'eurosat')
    train, test, again = (DATASETS.build(dict(
        type='EuroSAT', data_root=root, split=split))
        for split in ('train', 'test', 'train'))
    paths = [[d.get_data_info(i)['img_path'] for i in range(len(d))]
             for d in (train, test, again)]
    assert paths[0] == paths[2]
    assert not set(paths[0]) & set(paths[1])
    assert len(paths[0]) == 15 and len(paths[1]) == 3
    assert sorted(test.get_gt_labels()) == [0, 1, 2]
    # A zero-byte image is named when the folders are read, not left for
    # cv2 to fail on without a name.
    open(paths[1][0], 'wb').close()
    with pytest.raises(ValueError, match=re.escape(paths[1][0])):
        DATASETS.build(dict(type='EuroSAT', data_root=root, split='train'))


def _is_compressed_mat(path: str) -> bool:
    # MATLAB v5: a 128-byte header, then data elements; miCOMPRESSED is 15.
    with open(path, 'rb') as f:
        header = f.read(136)
    return int.from_bytes(header[128:132], 'little') == 15


def test_fixtures_have_the_official_files_quirks(tmp_path):
    """What the real downloads hold: compressed MATLAB files with uint8 /
    uint16 numbers, CRLF lists; the datasets read them right."""
    from scipy.io import loadmat
    init_default_scope('mmpretrain')
    for key in ('flowers102', 'cars', 'ucf101', 'gtsrb'):
        write_fixture(str(tmp_path), key)
    flowers = str(tmp_path / 'flowers102')
    assert _is_compressed_mat(osp.join(flowers, 'imagelabels.mat'))
    assert loadmat(osp.join(flowers, 'imagelabels.mat'))['labels'].dtype \
        == np.uint8
    dataset = DATASETS.build(dict(type='Flowers102', data_root=flowers,
                                  split='test'))
    assert sorted(set(dataset.get_gt_labels())) == [0, 1, 2]

    cars = str(tmp_path / 'cars')
    ann = osp.join(cars, 'devkit', 'cars_train_annos.mat')
    assert _is_compressed_mat(ann)
    x2 = loadmat(ann)['annotations']['bbox_x2'][0]
    assert {a.dtype for a in x2} == {np.dtype(np.uint8), np.dtype(np.uint16)}
    dataset = DATASETS.build(dict(type='StanfordCarsFiles', data_root=cars,
                                  split='train'))
    assert sorted(set(dataset.get_gt_labels())) == [0, 1, 2]

    lists = tmp_path / 'ucf101' / 'ucfTrainTestlist'
    for name in ('classInd.txt', 'trainlist01.txt', 'testlist01.txt'):
        assert (lists / name).read_bytes().count(b'\r\n') > 0
    for split in ('train', 'test'):
        dataset = DATASETS.build(dict(
            type='UCF101Frames', data_root=str(tmp_path / 'ucf101'),
            split=split))
        assert dataset.CLASSES[0] == 'ApplyEyeMakeup'
        assert sorted(set(dataset.get_gt_labels())) == [0, 1, 2]

    gtsrb = tmp_path / 'gtsrb'
    assert b'ClassId\r\n' in (gtsrb / 'GT-final_test.csv').read_bytes()
    dataset = DATASETS.build(dict(type='GTSRB', data_root=str(gtsrb),
                                  split='test'))
    assert sorted(set(dataset.get_gt_labels())) == [0, 1, 2]


def test_stanford_cars_test_labels_where_downloads_put_them(tmp_path):
    write_fixture(str(tmp_path), 'cars')
    init_default_scope('mmpretrain')
    cars = tmp_path / 'cars'
    in_devkit = DATASETS.build(dict(type='StanfordCarsFiles',
                                    data_root=str(cars), split='test'))
    # torchvision's place: beside cars_test/.
    (cars / 'devkit' / 'cars_test_annos_withlabels.mat').rename(
        cars / 'cars_test_annos_withlabels.mat')
    beside = DATASETS.build(dict(type='StanfordCarsFiles',
                                 data_root=str(cars), split='test'))
    assert beside.get_gt_labels().tolist() == \
        in_devkit.get_gt_labels().tolist()
    (cars / 'cars_test_annos_withlabels.mat').unlink()
    with pytest.raises(FileNotFoundError,
                       match='devkit/cars_test_annos_withlabels.mat or '):
        DATASETS.build(dict(type='StanfordCarsFiles', data_root=str(cars),
                            split='test'))


def test_caltech101_split_is_30_per_class_and_fixed(tmp_path):
    write_fixture(str(tmp_path), 'caltech101')
    init_default_scope('mmpretrain')
    root = str(tmp_path / 'caltech101')
    assert not osp.exists(osp.join(root, 'meta'))  # none in the download
    train, test, again = (DATASETS.build(dict(
        type='Caltech101Folders', data_root=root, split=split))
        for split in ('train', 'test', 'train'))
    assert len(train.CLASSES) == 102
    labels = train.get_gt_labels().tolist()
    # BACKGROUND_Google, Faces and Leopards are labels 0, 1 and 3.
    assert {label: labels.count(label) for label in set(labels)} == {
        0: 30, 1: 30, 3: 30}
    assert sorted(test.get_gt_labels().tolist()) == [0, 1, 3]
    paths = [[d.get_data_info(i)['img_path'] for i in range(len(d))]
             for d in (train, test, again)]
    assert paths[0] == paths[2] and not set(paths[0]) & set(paths[1])
    # A smaller count: a prefix of the same per-class order.
    fewer = DATASETS.build(dict(type='Caltech101Folders', data_root=root,
                                train_count=10))
    assert len(fewer) == 30
    assert {fewer.get_data_info(i)['img_path'] for i in range(30)} < \
        set(paths[0])


def test_middle_frame_is_picked_in_frame_order(tmp_path):
    from mmintern.datasets.image_folders import natural_key
    from mmintern.gvb.datasets.base import middle
    frames = sorted(['frame10.jpg', 'frame2.jpg', 'frame1.jpg'],
                    key=natural_key)
    assert frames == ['frame1.jpg', 'frame2.jpg', 'frame10.jpg']
    assert middle(frames) == 'frame2.jpg'
    write_fixture(str(tmp_path), 'ucf101')
    init_default_scope('mmpretrain')
    dataset = DATASETS.build(dict(type='UCF101Frames',
                                  data_root=str(tmp_path / 'ucf101')))
    assert dataset.get_data_info(0)['img_path'].endswith(
        osp.join('v_ApplyEyeMakeup_g01_c01', '00002.jpg'))


def test_test_tool_reports_through_gvb(tmp_path, monkeypatch):
    """tools/test.py on a GV-B config with a trained head's checkpoint:
    the GVBEvaluator reports GV-B's metric and the table row."""
    import subprocess
    import sys
    gvb_root = str(tmp_path / 'gvb')
    write_fixture(gvb_root, 'cifar10')
    cfg = _tiny_run_config(
        gvb_config(config_path('gvb', 'classification', 'cifar10.py'),
                   gvb_root),
        str(tmp_path / 'work'))
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook',
                                        by_epoch=False, interval=2)
    Runner.from_cfg(cfg).train()
    dumped = str(tmp_path / 'cifar10_tiny.py')
    cfg.dump(dumped)
    table = str(tmp_path / 'gvb_table.json')
    out = subprocess.run(
        [sys.executable, osp.join(REPO, 'tools', 'test.py'), dumped,
         str(tmp_path / 'work' / 'iter_2.pth'), '--work-dir',
         str(tmp_path / 'test'), '--cfg-options',
         f'test_evaluator.table_file={table}', 'log_level=INFO'],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-3000:]
    assert 'gvb/accuracy' in log and 'gvb/error_reduction' in log, log[-2000:]
    with open(table) as f:
        assert list(json.load(f)['datasets']) == ['cifar10']
    assert '| classification | CIFAR-10 | accuracy |' in \
        open(table[:-len('json')] + 'md').read()


def test_linear_probe_loop_is_the_fast_probe(tmp_path):
    """``train_cfg.type=LinearProbeLoop`` (as --cfg-options sets it) lets
    tools/train.py fit GV-B's fast probe: the saved checkpoint, tested
    as any classifier, scores what tools/gvb.py's fast probe scores."""
    from mmintern.gvb.evaluation import gvb_datasets
    from mmintern.gvb.runner import run_fast_probe
    from mmintern.utils.cli import merge_cfg_options
    gvb_root = str(tmp_path / 'gvb')
    write_fixture(gvb_root, 'cifar10')
    cfg = _tiny_run_config(
        gvb_config(config_path('gvb', 'classification', 'cifar10.py'),
                   gvb_root), str(tmp_path / 'work'))
    cfg.randomness = dict(seed=0)
    cfg.train_dataloader.dataset.percentage = 100.  # 4 images per class
    os.makedirs(cfg.work_dir)
    fast = run_fast_probe(copy.deepcopy(cfg), gvb_datasets()['cifar10'])
    merge_cfg_options(cfg, {'train_cfg.type': 'LinearProbeLoop'})
    runner = Runner.from_cfg(cfg)
    runner.train()
    ckpt = str(tmp_path / 'work' / 'linear_probe.pth')
    assert open(str(tmp_path / 'work' / 'last_checkpoint')).read() == ckpt
    # As tools/test.py does: a fresh runner loading the checkpoint.
    cfg.load_from = ckpt
    cfg.work_dir = str(tmp_path / 'test')
    metrics = Runner.from_cfg(cfg).test()
    assert metrics['gvb/accuracy'] == pytest.approx(
        fast['metrics']['accuracy'])
    assert runner.train_loop.probe.weight_decay == fast['weight_decay']
