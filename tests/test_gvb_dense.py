"""The GV-B detection, segmentation and depth configs, end to end.

Each config of configs/gvb/{detection,segmentation,depth} runs 2 training
iterations and a test on a tiny fixture in its dataset's real layout, with
MetaNet-B1 and small images; then the three protocols run on the real data
extracts of /work/shared/data. The pieces the configs add (dataset parsers,
the KITTI crop, the packing transform, the depth head) are checked by hand.
"""
import copy
import math
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config

# Registered explicitly: until mmintern/datasets/__init__.py and
# mmintern/models/__init__.py import them, `import mmintern` does not.
import mmintern.gvb.datasets  # noqa: F401
import mmintern.datasets.transforms  # noqa: F401
import mmintern.models.heads  # noqa: F401
from _utils import REPO, gvb_config, require_data
from mmintern.testing.gvb_samples import dense as fixtures
from mmintern.gvb.quick import walk_dicts
from mmintern.gvb.datasets import (CityPersonsDataset,
                                   KittiEigenDepthDataset, WiderFaceDataset,
                                   box_visibility, parse_kitti_split,
                                   parse_wider_face_gt)
from mmintern.datasets.transforms import (GARG_CROP, DepthEvalCrop,
                                          depth_eval_crop_mask)

# MetaNet-B1's widths at out_indices (1, 2, 4, 5).
B1_CHANNELS = [32, 64, 96, 192]
CONFIGS = {
    'voc0712': 'detection/voc0712.py',
    'wider_face': 'detection/wider_face.py',
    'citypersons': 'detection/citypersons.py',
    'voc2012': 'segmentation/voc2012.py',
    'kitti': 'depth/kitti.py',
    'nyuv2': 'depth/nyuv2.py',
}
DET_SCALE = (96, 64)
CROP = (64, 64)


def _shrink_pipelines(cfg) -> None:

    def visit(node):
        kind = node.get('type')
        if kind == 'Resize':
            node['scale'] = DET_SCALE
        elif kind == 'RandomResize':
            node['scale'] = (128, 64)
        elif kind == 'RandomCrop' and 'crop_size' in node:
            node['crop_size'] = CROP
        elif kind == 'Pad' and 'size' in node:
            node['size'] = CROP

    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        walk_dicts(cfg[key], visit)


def _shrink_model(cfg) -> None:
    model = cfg.model
    model.backbone.arch = 'b1'
    if model.type == 'FasterRCNN':
        model.neck.in_channels = B1_CHANNELS
        model.neck.out_channels = 64
        model.rpn_head.in_channels = 64
        model.rpn_head.feat_channels = 64
        model.roi_head.bbox_roi_extractor.out_channels = 64
        model.roi_head.bbox_head.in_channels = 64
        model.roi_head.bbox_head.fc_out_channels = 128
    elif model.type == 'EncoderDecoder':
        model.decode_head.in_channels = B1_CHANNELS[2]
        model.decode_head.channels = 32
        model.auxiliary_head.in_channels = B1_CHANNELS[1]
        model.auxiliary_head.channels = 16
        model.data_preprocessor.size = CROP
    elif model.type == 'DepthEstimator':
        model.decode_head.in_channels = B1_CHANNELS
        model.decode_head.channels = 16
        model.data_preprocessor.size = CROP
    else:
        raise AssertionError(f'unexpected model {model.type}')


def _small_run_cfg(cfg, work_dir: str):
    cfg = copy.deepcopy(cfg)
    _shrink_model(cfg)
    _shrink_pipelines(cfg)
    cfg.work_dir = work_dir
    if 'max_epochs' in cfg.train_cfg:  # one epoch of the 50% fixture split
        cfg.train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=1,
                             val_interval=100)
    else:
        cfg.train_cfg.max_iters = 2
        cfg.train_cfg.val_interval = 100
    cfg.param_scheduler = []
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[key].num_workers = 0
        cfg[key].persistent_workers = False
    cfg.train_dataloader.batch_size = 2
    cfg.default_hooks.checkpoint = None
    cfg.default_hooks.logger = dict(type='LoggerHook', interval=1)
    cfg.env_cfg = dict(cudnn_benchmark=False, dist_cfg=dict(backend='gloo'),
                       mp_cfg=dict(mp_start_method='fork'))
    cfg.log_level = 'WARNING'
    return cfg


def _train_and_test(cfg) -> dict:
    from mmengine.runner import Runner
    runner = Runner.from_cfg(cfg)
    runner.train()
    # The protocol's frozen backbone really stayed frozen.
    backbone = runner.model.backbone
    assert not any(p.requires_grad for p in backbone.parameters())
    assert not backbone.training
    return runner.test()


def _check_gvb_metrics(cfg, metrics: dict) -> None:
    through_gvb = cfg.test_evaluator.get('type') == 'mmintern.GVBEvaluator'
    for name, key in cfg.gvb.metric_keys.items():
        assert key in metrics, (name, key, sorted(metrics))
        assert math.isfinite(float(metrics[key])), (name, metrics[key])
        if through_gvb:  # the config's own evaluator: GV-B's names too
            scale = (cfg.gvb.get('metric_scale') or {}).get(name, 1)
            assert metrics[f'gvb/{name}'] == pytest.approx(
                float(metrics[key]) * scale)


@pytest.fixture(autouse=True)
def fast_config_dump(monkeypatch):
    """Skip yapf: the runner formats the config for its log and dump, which
    takes seconds per config on 2 shared cores and tests nothing here."""
    monkeypatch.setattr(Config, 'pretty_text',
                        property(lambda self: repr(self._cfg_dict)))


@pytest.fixture(scope='module')
def gvb_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('gvb_dense'))
    fixtures.write_all(root)
    return root


def _load(name: str, gvb_root: str, monkeypatch) -> Config:
    cfg = gvb_config(osp.join(REPO, 'configs', 'gvb', CONFIGS[name]),
                     gvb_root)
    cfg.train_dataloader.dataset.percentage = 50.
    return cfg


# The configs, end to end on the fixtures.


@pytest.mark.parametrize('name', list(CONFIGS))
def test_config_end_to_end(name, gvb_root, monkeypatch, tmp_path):
    cfg = _load(name, gvb_root, monkeypatch)
    assert cfg.gvb.dataset == name
    assert cfg.custom_hooks == [dict(type='FrozenBackboneHook')]
    train_set = cfg.train_dataloader.dataset
    assert train_set.type == 'PercentageDataset'
    assert train_set.percentage == 50.
    assert cfg.data_root.startswith(gvb_root)
    metrics = _train_and_test(_small_run_cfg(cfg, str(tmp_path)))
    _check_gvb_metrics(cfg, metrics)


def test_protocol_defaults(gvb_root, monkeypatch):
    det = _load('voc0712', gvb_root, monkeypatch)
    assert det.model.backbone == dict(type='MetaNet', arch='b4',
                                      out_indices=(1, 2, 4, 5))
    assert det.model.neck.in_channels == [64, 128, 192, 384]
    assert det.optim_wrapper.optimizer.lr == 0.02
    # GV-B's epochs of the split, 16 images per optimizer step.
    assert (det.train_cfg.type, det.train_cfg.max_epochs) == \
        ('EpochBasedTrainLoop', 12)
    assert det.total_batch == 16
    assert det.train_dataloader.sampler.type == 'DefaultSampler'
    city = _load('citypersons', gvb_root, monkeypatch)
    assert city.train_cfg.max_epochs == 60
    assert city.param_scheduler[1].milestones == [40, 55]
    seg = _load('voc2012', gvb_root, monkeypatch)
    assert (seg.model.decode_head.in_index,
            seg.model.decode_head.in_channels) == (2, 192)
    assert (seg.model.auxiliary_head.in_index,
            seg.model.auxiliary_head.in_channels) == (1, 128)
    assert seg.model.decode_head.norm_cfg.type == 'BN'
    assert seg.train_cfg.max_iters == 20000 and seg.total_batch == 16
    kitti = _load('kitti', gvb_root, monkeypatch)
    assert kitti.model.decode_head.max_depth == 80.
    assert kitti.test_evaluator.metrics.max_depth_eval == 80.
    assert kitti.test_evaluator.metrics.min_depth_eval == 1e-3


# The pieces, by hand.


def test_eigen_crop_mask_on_kitti_size():
    # 375 x 1242, a KITTI image: rows int(153.04) .. int(371.96), columns
    # int(44.65) .. int(1197.35).
    mask = depth_eval_crop_mask(375, 1242)
    rows, cols = np.nonzero(mask)
    assert (rows.min(), rows.max() + 1) == (153, 371)
    assert (cols.min(), cols.max() + 1) == (44, 1197)
    assert mask.sum() == (371 - 153) * (1197 - 44) == 251354
    depth = np.full((375, 1242), 5., dtype=np.float32)
    out = DepthEvalCrop()(dict(gt_depth_map=depth.copy()))['gt_depth_map']
    assert out.dtype == np.float32
    assert (out > 0).sum() == 251354 and out[200, 100] == 5.
    assert out[0, 0] == 0 and out[374, 1241] == 0
    assert GARG_CROP == (0.40810811, 0.99189189, 0.03594771, 0.96405229)
    with pytest.raises(ValueError):
        DepthEvalCrop(crop=(0.5, 0.4, 0., 1.))


def test_citypersons_visibility(tmp_path):
    assert box_visibility([0, 0, 10, 20], [0, 0, 10, 10]) == 0.5
    assert box_visibility([5, 5, 20, 40], [5, 5, 20, 13]) == 260 / 800
    # Ignore regions: no visible box.
    assert box_visibility([0, 0, 30, 30], [0, 0, 0, 0]) == 0.
    assert box_visibility([0, 0, 0, 0], [0, 0, 0, 0]) == 0.
    # A visible box a hair larger than the full one (rounding) reads 1.
    assert box_visibility([0, 0, 10, 10], [0, 0, 10, 11]) == 1.

    root = fixtures.write_citypersons(str(tmp_path))
    dataset = CityPersonsDataset(
        data_root=root,
        data_prefix=dict(img='leftImg8bit/val', ann='gtBboxCityPersons/val'),
        test_mode=True)
    assert len(dataset) == 2
    info = dataset.get_data_info(0)
    assert info['img_path'].endswith(
        'leftImg8bit/val/aachen/aachen_000000_000019_leftImg8bit.png')
    assert (info['width'], info['height']) == (160, 96)
    labels = [inst['label'] for inst in info['instances']]
    assert labels == ['pedestrian', 'pedestrian', 'rider', 'ignore']
    assert [inst['ignore_flag'] for inst in info['instances']] == [0, 0, 1, 1]
    full, occluded = info['instances'][:2]
    assert full['visibility'] == 1.
    x1, y1, x2, y2 = occluded['bbox']
    expected = round((y2 - y1) * 0.45) / (y2 - y1)
    assert occluded['visibility'] == pytest.approx(expected)
    with pytest.raises(FileNotFoundError, match='gtBboxCityPersons'):
        CityPersonsDataset(data_root=str(tmp_path / 'nowhere'))


def test_citypersons_authors_mat_matches_the_json(tmp_path):
    """The authors' anno_val.mat (compressed, integers as uint8, as MATLAB
    stores them) gives the json packaging's images and boxes."""
    from scipy.io import loadmat
    root = fixtures.write_citypersons(str(tmp_path))
    mat_file = osp.join(root, 'annotations', 'anno_val.mat')
    cell = loadmat(mat_file)['anno_val_aligned'][0, 0][0, 0]
    assert cell['bbs'].dtype == np.uint8
    prefix = dict(img='leftImg8bit/val', ann='gtBboxCityPersons/val')
    infos = [
        sorted((CityPersonsDataset(data_root=root, test_mode=True, **kw)[i]
                for i in range(2)), key=lambda info: info['img_path'])
        for kw in (dict(data_prefix=prefix),
                   dict(ann_file='annotations/anno_val.mat',
                        data_prefix=dict(img='leftImg8bit/val')))
    ]
    for from_json, from_mat in zip(*infos):
        for key in ('img_path', 'width', 'height', 'instances'):
            assert from_json[key] == from_mat[key]
    with pytest.raises(ValueError, match='anno_<split>_aligned'):
        from scipy.io import savemat
        savemat(str(tmp_path / 'other.mat'), dict(x=np.zeros(2)))
        CityPersonsDataset(data_root=str(tmp_path), ann_file='other.mat',
                           data_prefix=dict(img='leftImg8bit/val'))


WIDER_GT = """\
0--Parade/0_Parade_marchingband_1_849.jpg
2
449 330 122 149 0 0 0 0 0 0
10 20 30 40 2 1 0 1 2 3
1--Handshaking/1_Handshaking_1_2.jpg
0
0 0 0 0 0 0 0 0 0 0
"""


def test_wider_face_gt_parsing(tmp_path):
    path = tmp_path / 'wider_face_val_bbx_gt.txt'
    path.write_text(WIDER_GT)
    images = parse_wider_face_gt(str(path))
    assert [name for name, _ in images] == [
        '0--Parade/0_Parade_marchingband_1_849.jpg',
        '1--Handshaking/1_Handshaking_1_2.jpg'
    ]
    faces = images[0][1]
    assert faces.tolist() == [[449, 330, 122, 149, 0, 0, 0, 0, 0, 0],
                              [10, 20, 30, 40, 2, 1, 0, 1, 2, 3]]
    # The placeholder line under a zero count is not a face.
    assert images[1][1].shape == (0, 10)
    path.write_text('a.jpg\n3\n1 2 3 4 0 0 0 0 0 0\n')
    with pytest.raises(ValueError, match='announces 3 faces'):
        parse_wider_face_gt(str(path))


def test_wider_face_dataset_keep_flags(tmp_path):
    root = fixtures.write_wider_face(str(tmp_path))
    keep = dict(easy='wider_face_split/wider_easy_val.mat',
                medium='wider_face_split/wider_medium_val.mat',
                hard='wider_face_split/wider_hard_val.mat')
    dataset = WiderFaceDataset(
        data_root=root,
        ann_file='wider_face_split/wider_face_val_bbx_gt.txt',
        data_prefix=dict(img='WIDER_val/images'),
        keep_lists=keep, test_mode=True)
    first, second = (dataset.get_data_info(i) for i in range(2))
    assert (first['width'], first['height']) == (128, 96)
    assert [i['easy'] for i in first['instances']] == [True, False, False]
    assert [i['medium'] for i in first['instances']] == [True, True, False]
    assert [i['hard'] for i in first['instances']] == [True, True, True]
    assert [i['easy'] for i in second['instances']] == [False, False]
    assert [i['medium'] for i in second['instances']] == [True, False]
    x, y, w, h = parse_wider_face_gt(
        osp.join(root, 'wider_face_split', 'wider_face_val_bbx_gt.txt'))[0][
            1][0, :4].tolist()
    assert first['instances'][0]['bbox'] == [x, y, x + w, y + h]


def test_pack_gvb_det_inputs_splits_extra_fields():
    from mmintern.datasets.transforms import PackGVBDetInputs
    pack = PackGVBDetInputs(extra_fields=('visibility', ),
                            meta_keys=('img_id', ))
    boxes = np.array([[0, 0, 10, 10], [5, 5, 20, 20], [1, 1, 4, 4]],
                     dtype=np.float32)
    results = dict(
        img=np.zeros((24, 24, 3), dtype=np.uint8),
        img_id=3,
        gt_bboxes=boxes,
        gt_bboxes_labels=np.zeros(3, dtype=np.int64),
        gt_ignore_flags=np.array([False, True, False]),
        instances=[dict(visibility=v) for v in (1., .3, .5)])
    sample = pack(results)['data_samples']
    assert sample.gt_instances.visibility.tolist() == [1., .5]
    assert sample.ignored_instances.visibility.tolist() == [.3]
    results['instances'] = results['instances'][:2]
    with pytest.raises(ValueError, match='dropped boxes'):
        pack(results)


def test_kitti_split_and_missing_ground_truth(tmp_path):
    root = fixtures.write_kitti(str(tmp_path))
    paths = parse_kitti_split(osp.join(root, 'splits',
                                       'eigen_test_files_with_gt.txt'))
    assert paths[0] == ('2011_09_26/2011_09_26_drive_0002_sync/image_02/'
                        'data/0000000000.png')
    # Monodepth2's list of the same frames names the same images.
    assert parse_kitti_split(
        osp.join(root, 'splits', 'eigen', 'test_files.txt')) == paths
    # BTS copies without the date folder, the right camera, CRLF ends.
    other = tmp_path / 'other.txt'
    other.write_bytes(
        b'2011_09_26_drive_0002_sync/image_03/data/0000000007.png None '
        b'721.5377\r\n2011_10_03/2011_10_03_drive_0034_sync 1757 r\r\n')
    assert parse_kitti_split(str(other)) == [
        '2011_09_26/2011_09_26_drive_0002_sync/image_03/data/0000000007.png',
        '2011_10_03/2011_10_03_drive_0034_sync/image_03/data/0000001757.png']
    dataset = KittiEigenDepthDataset(
        data_root=root, ann_file='splits/eigen_test_files_with_gt.txt',
        test_mode=True)
    # 3 test frames, the last without ground truth.
    assert len(dataset) == 2
    assert dataset.get_data_info(1)['depth_map_path'].endswith(
        'depth/val/2011_09_26_drive_0002_sync/proj_depth/groundtruth/'
        'image_02/0000000001.png')
    bad = tmp_path / 'bad.txt'
    bad.write_text('2011_09_26/drive/image_03/0000000000.png\n')
    with pytest.raises(ValueError, match='image_0X/data'):
        parse_kitti_split(str(bad))


def test_dense_depth_head_shapes_and_range():
    from mmseg.structures import SegDataSample
    from mmengine.structures import PixelData
    from mmintern.models.heads.dense_depth_head import DenseDepthHead
    from mmseg.models.decode_heads.decode_head import BaseDecodeHead
    head = DenseDepthHead(in_channels=B1_CHANNELS, channels=8, max_depth=80)
    assert isinstance(head, BaseDecodeHead)
    feats = [torch.randn(2, c, 32 // 2**i, 48 // 2**i)
             for i, c in enumerate(B1_CHANNELS)]
    depth = head(feats)
    assert depth.shape == (2, 1, 32, 48)
    assert depth.min() > 0 and depth.max() < 80
    out = head.predict(feats, [dict(img_shape=(128, 192),
                                    pad_shape=(128, 192))] * 2, test_cfg=None)
    assert out.shape == (2, 1, 128, 192)
    samples = []
    for _ in range(2):
        sample = SegDataSample()
        sample.gt_depth_map = PixelData(data=torch.rand(1, 64, 96) * 50)
        samples.append(sample)
    losses = head.loss(feats, samples, train_cfg=None)
    assert set(losses) == {'loss_silog'} and losses['loss_silog'] > 0


# The three protocols on real data.


def test_detection_protocol_on_raccoon_voc(monkeypatch, tmp_path):
    root = require_data('raccoon_voc', 'VOCdevkit') + '/'
    cfg = _load('voc0712', str(tmp_path), monkeypatch)
    voc = dict(type='VOCDataset', data_root=root,
               data_prefix=dict(sub_data_root='VOC_raccoon/'),
               metainfo=dict(classes=('raccoon', )))
    cfg.model.roi_head.bbox_head.num_classes = 1
    cfg.train_dataloader.dataset.dataset = dict(
        **voc, ann_file='VOC_raccoon/ImageSets/Main/train.txt',
        filter_cfg=dict(filter_empty_gt=True),
        pipeline=cfg.train_pipeline)
    cfg.train_dataloader.dataset.percentage = 10.
    cfg.test_dataloader.dataset = dict(
        **voc, ann_file='VOC_raccoon/ImageSets/Main/val.txt',
        test_mode=True, indices=4, pipeline=cfg.test_pipeline)
    cfg.val_dataloader = cfg.test_dataloader
    metrics = _train_and_test(_small_run_cfg(cfg, str(tmp_path / 'work')))
    _check_gvb_metrics(cfg, metrics)


CAMVID_CLASSES = ('Sky', 'Building', 'Pole', 'Road', 'Pavement', 'Tree',
                  'SignSymbol', 'Fence', 'Car', 'Pedestrian', 'Bicyclist')


def test_segmentation_protocol_on_camvid(monkeypatch, tmp_path):
    root = require_data('camvid_seg', 'CamVid')
    names = sorted(
        osp.splitext(osp.basename(line.split()[0]))[0]
        for line in open(osp.join(root, 'val_relative.txt')) if line.strip())
    (tmp_path / 'train.txt').write_text('\n'.join(names[:8]) + '\n')
    (tmp_path / 'test.txt').write_text('\n'.join(names[-3:]) + '\n')
    cfg = _load('voc2012', str(tmp_path), monkeypatch)
    # CamVid's label 11 is "Unlabelled": the ignore index everywhere.
    ignore = 11
    for head in (cfg.model.decode_head, cfg.model.auxiliary_head):
        head.num_classes = len(CAMVID_CLASSES)
        head.ignore_index = ignore
    cfg.model.data_preprocessor.seg_pad_val = ignore
    camvid = dict(type='BaseSegDataset', data_root=root,
                  data_prefix=dict(img_path='val', seg_map_path='valannot'),
                  img_suffix='.png', seg_map_suffix='.png',
                  metainfo=dict(classes=CAMVID_CLASSES),
                  ignore_index=ignore)
    cfg.train_dataloader.dataset.dataset = dict(
        **camvid, ann_file=str(tmp_path / 'train.txt'),
        pipeline=cfg.train_pipeline)
    cfg.test_dataloader.dataset = dict(
        **camvid, ann_file=str(tmp_path / 'test.txt'),
        pipeline=cfg.test_pipeline)
    cfg.val_dataloader = cfg.test_dataloader
    cfg.test_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'],
                              ignore_index=ignore)
    cfg.val_evaluator = cfg.test_evaluator
    metrics = _train_and_test(_small_run_cfg(cfg, str(tmp_path / 'work')))
    _check_gvb_metrics(cfg, metrics)


def test_depth_protocol_on_7scenes(monkeypatch, tmp_path):
    root = require_data('depth_7scenes')
    cfg = _load('nyuv2', str(tmp_path), monkeypatch)
    frames = [f'frame-{i:06d}' for i in range(0, 1000, 10)]
    scenes = dict(type='SevenScenesDepthDataset', data_root=root)
    # Like NYU: a Kinect, millimetre PNGs, 0 = invalid, up to 10 m.
    cfg.train_dataloader.dataset.dataset = dict(
        **scenes, frames=frames[:8], pipeline=cfg.train_pipeline)
    test_pipeline = copy.deepcopy(cfg.test_pipeline)
    # 640x480 at full size is slow on CPU; the ground truth stays full.
    test_pipeline.insert(1, dict(type='Resize', scale=(160, 120),
                                 keep_ratio=True))
    cfg.test_dataloader.dataset = dict(
        **scenes, frames=frames[-2:], test_mode=True,
        pipeline=test_pipeline)
    cfg.val_dataloader = cfg.test_dataloader
    cfg.test_evaluator = dict(type='DepthMetric', min_depth_eval=1e-3,
                              max_depth_eval=10.)
    cfg.val_evaluator = cfg.test_evaluator
    metrics = _train_and_test(_small_run_cfg(cfg, str(tmp_path / 'work')))
    _check_gvb_metrics(cfg, metrics)
    # A random head on 7-Scenes depths (0.5-4 m) is off by metres at most.
    assert 0 < metrics['rmse'] < 10


def test_bad_dense_annotations_are_named(tmp_path):
    """An 8-bit depth map, or a mask value outside the classes and the
    ignore index, stops with the file named (not a plausible RMSE, or an
    IndexError deep in the loss)."""
    from PIL import Image
    from mmintern.datasets.transforms import CheckDepthMap, CheckSegMap
    good = tmp_path / 'good.png'
    Image.fromarray(np.full((4, 4), 1500, np.uint16)).save(good)
    eight = tmp_path / 'eight_bit.png'
    Image.fromarray(np.full((4, 4), 15, np.uint8)).save(eight)
    check = CheckDepthMap()
    assert check(dict(depth_map_path=str(good)))
    with pytest.raises(ValueError, match=r"eight_bit\.png is a 'L' image"):
        check(dict(depth_map_path=str(eight)))
    seg = CheckSegMap(num_classes=11, ignore_index=11)
    mask = np.array([[0, 10], [11, 3]], np.uint8)
    assert seg(dict(gt_seg_map=mask, seg_map_path='m.png'))
    with pytest.raises(ValueError, match=r'm\.png holds the values \[40\]'):
        seg(dict(gt_seg_map=np.array([[0, 40]], np.uint8),
                 seg_map_path='m.png'))


def _voc_copy(tmp_path, folder: str, ids: int = 4) -> str:
    """The first raccoon images and xml files in a VOC layout at
    ``tmp_path/<folder>``; returns the split list."""
    import shutil
    src = osp.join(require_data('raccoon_voc', 'VOCdevkit'), 'VOC_raccoon')
    dst = tmp_path / folder
    for sub in ('JPEGImages', 'Annotations', 'ImageSets/Main'):
        (dst / sub).mkdir(parents=True)
    names = sorted(open(osp.join(src, 'ImageSets/Main/val.txt')).read()
                   .split())[:ids]
    for name in names:
        shutil.copy(osp.join(src, 'JPEGImages', name + '.jpg'),
                    dst / 'JPEGImages')
        shutil.copy(osp.join(src, 'Annotations', name + '.xml'),
                    dst / 'Annotations')
    (dst / 'ImageSets/Main/val.txt').write_text('\n'.join(names) + '\n')
    return names


def test_voc_style_dataset_reads_as_mmdet_and_ignores_folder_names(
        tmp_path):
    """The data infos of mmdet's VOCDataset, but a folder named VOC2007
    is not taken for the 20-class VOC: VOCMetric names your classes (with
    mmdet's VOCDataset, print_map_summary fails with an IndexError)."""
    from mmdet.datasets import VOCDataset
    from mmdet.evaluation import VOCMetric
    from mmintern.gvb.datasets import VOCStyleDataset
    root = require_data('raccoon_voc', 'VOCdevkit')
    kw = dict(data_root=root, ann_file='VOC_raccoon/ImageSets/Main/val.txt',
              data_prefix=dict(sub_data_root='VOC_raccoon/'),
              metainfo=dict(classes=('raccoon', )), test_mode=True)
    ours, mmdet = VOCStyleDataset(**kw), VOCDataset(**kw)
    assert len(ours) == len(mmdet) == 40
    for i in range(40):
        a, b = ours.get_data_info(i), mmdet.get_data_info(i)
        for key in ('img_path', 'img_id', 'width', 'height', 'instances'):
            assert a[key] == b[key], key

    names = _voc_copy(tmp_path, 'VOC2007')
    classes = ('raccoon', 'badger')
    dataset = VOCStyleDataset(
        data_root=str(tmp_path), ann_file='VOC2007/ImageSets/Main/val.txt',
        data_prefix=dict(sub_data_root='VOC2007/'),
        metainfo=dict(classes=classes), test_mode=True)
    assert 'dataset_type' not in dataset.metainfo
    # What mmdet's VOCDataset makes of the folder name.
    assert VOCDataset(
        data_root=str(tmp_path), ann_file='VOC2007/ImageSets/Main/val.txt',
        data_prefix=dict(sub_data_root='VOC2007/'),
        metainfo=dict(classes=classes),
        test_mode=True).metainfo['dataset_type'] == 'VOC2007'
    metric = VOCMetric(eval_mode='area')
    metric.dataset_meta = dataset.metainfo
    for i in range(len(names)):
        info = dataset.get_data_info(i)
        boxes = torch.tensor([inst['bbox'] for inst in info['instances']],
                             dtype=torch.float32)
        labels = torch.tensor([inst['bbox_label']
                               for inst in info['instances']])
        empty = dict(bboxes=torch.zeros(0, 4), labels=torch.zeros(0))
        metric.process({}, [dict(
            gt_instances=dict(bboxes=boxes, labels=labels),
            ignored_instances=empty,
            pred_instances=dict(bboxes=boxes, scores=torch.ones(len(boxes)),
                                labels=labels))])
    # The ground truth as predictions: mAP 1 over the one present class.
    assert metric.evaluate(len(names))['pascal_voc/mAP'] == 1.0


def test_voc_style_dataset_names_bad_annotations(tmp_path):
    from mmintern.gvb.datasets import VOCStyleDataset
    names = _voc_copy(tmp_path, 'VOC_mine', ids=2)
    kw = dict(data_root=str(tmp_path),
              ann_file='VOC_mine/ImageSets/Main/val.txt',
              data_prefix=dict(sub_data_root='VOC_mine/'),
              metainfo=dict(classes=('raccoon', )))
    assert len(VOCStyleDataset(**kw)) == 2
    xml = tmp_path / 'VOC_mine' / 'Annotations' / f'{names[0]}.xml'
    text = xml.read_text()
    # A class not in the metainfo: an error naming the file, not a drop.
    xml.write_text(text.replace('<name>raccoon</name>',
                                '<name>badger</name>', 1))
    with pytest.raises(ValueError, match=rf"{names[0]}\.xml: object 0 "
                       r"\('badger'\): class 'badger' is not in"):
        VOCStyleDataset(**kw)
    # ... unless dropped on purpose.
    dropped = VOCStyleDataset(**kw, drop_classes=('badger', ))
    assert len(dropped.get_data_info(0)['instances']) == \
        text.count('<object>') - 1
    # A box past the image's edge.
    import re
    width = int(re.search(r'<width>(\d+)</width>', text).group(1))
    xml.write_text(re.sub(r'<xmax>\d+</xmax>', f'<xmax>{width + 5}</xmax>',
                          text, count=1))
    with pytest.raises(ValueError, match=r'is not a box inside the'):
        VOCStyleDataset(**kw)
    xml.write_text(text)
    # A zero-byte image.
    image = tmp_path / 'VOC_mine' / 'JPEGImages' / f'{names[1]}.jpg'
    image.write_bytes(b'')
    with pytest.raises(ValueError,
                       match=rf'{names[1]}\.jpg.* is an empty file'):
        VOCStyleDataset(**kw)
    with pytest.raises(ValueError, match='needs metainfo'):
        VOCStyleDataset(**{**kw, 'metainfo': None})
