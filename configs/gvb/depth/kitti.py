# GV-B KITTI: monocular depth on the Eigen split (23158 train images; the
# 697 test images, of which the 652 with official ground truth are
# evaluated), RMSE in metres over the Garg / Eigen crop, depths 1e-3-80 m.
# Data: KITTI raw (https://www.cvlibs.net/datasets/kitti/raw_data.php, the
# *_sync drives), the projected ground truth of the depth benchmark
# (https://www.cvlibs.net/datasets/kitti/eval_depth.php,
# data_depth_annotated.zip) and the Eigen split lists as BTS distributes
# them (https://github.com/cleinc/bts, train_test_inputs/
# eigen_{train,test}_files_with_gt.txt), in {gvb_root}/kitti/ as:
#   kitti/raw/<date>/<drive>/image_02/data/<frame>.png
#   kitti/depth/{train,val}/<drive>/proj_depth/groundtruth/image_02/<frame>.png
#   kitti/splits/eigen_{train,test}_files_with_gt.txt
# Monodepth2's lists ("<date>/<drive> <frame> l") read the same: point
# ann_file at them, e.g. splits/eigen/test_files.txt.
# Ground truth: uint16 PNG, depth = value / 256 m, 0 = no measurement.
_base_ = [
    '../_base_/depth_estimation.py',
    '../_base_/schedules/depth_10k.py'
]

gvb_root = _base_.gvb_root
data_root = gvb_root + '/kitti/'
gvb = dict(dataset='kitti', metric_keys=dict(RMSE='rmse'))

max_depth = 80.
crop_size = (352, 704)
model = dict(
    data_preprocessor=dict(size=crop_size),
    decode_head=dict(max_depth=max_depth))
meta_keys = ('img_path', 'depth_map_path', 'ori_shape', 'img_shape',
             'pad_shape', 'scale_factor', 'flip', 'flip_direction')
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='CheckDepthMap'),
    dict(type='LoadDepthAnnotation', depth_rescale_factor=1 / 256.),
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='PackSegInputs', meta_keys=meta_keys),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='CheckDepthMap'),
    dict(type='LoadDepthAnnotation', depth_rescale_factor=1 / 256.),
    # The Garg / Eigen crop: ground truth outside it becomes 0 (ignored).
    dict(type='DepthEvalCrop'),
    dict(type='PackSegInputs', meta_keys=meta_keys),
]
kitti = dict(
    type='KittiEigenDepthDataset',
    data_root=data_root,
    data_prefix=dict(img_path='raw', depth_map_path='depth'))
train_dataloader = dict(
    dataset=dict(
        dataset=dict(
            **kitti, ann_file='splits/eigen_train_files_with_gt.txt',
            pipeline=train_pipeline)))
val_dataloader = dict(
    dataset=dict(**kitti, ann_file='splits/eigen_test_files_with_gt.txt',
                 test_mode=True, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='DepthMetric', min_depth_eval=1e-3,
                     max_depth_eval=max_depth)

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    type='mmintern.GVBEvaluator', metrics=val_evaluator, gvb=gvb)
