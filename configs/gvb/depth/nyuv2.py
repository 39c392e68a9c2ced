# GV-B NYUv2: indoor monocular depth, the standard split (24231 train
# frames of the raw sequences as distributed by BTS, 654 labelled test
# images), RMSE in metres over the Eigen NYU crop, depths 1e-3-10 m.
# Data: https://cs.nyu.edu/~silberman/datasets/nyu_depth_v2.html, in the
# layout of mmseg's NYUDataset (mmseg's tools/dataset_converters/nyu.py
# writes it from the BTS archive), in {gvb_root}/nyuv2/ as:
#   nyuv2/images/{train,test}/<scene>_<n>.jpg
#   nyuv2/annotations/{train,test}/<scene>_<n>.png  (uint16, millimetres)
_base_ = [
    '../_base_/depth_estimation.py',
    '../_base_/schedules/depth_10k.py'
]

gvb_root = _base_.gvb_root
data_root = gvb_root + '/nyuv2/'
gvb = dict(dataset='nyuv2', metric_keys=dict(RMSE='rmse'))

max_depth = 10.
crop_size = (480, 480)
model = dict(
    data_preprocessor=dict(size=crop_size),
    decode_head=dict(max_depth=max_depth))
meta_keys = ('img_path', 'depth_map_path', 'ori_shape', 'img_shape',
             'pad_shape', 'scale_factor', 'flip', 'flip_direction')
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='CheckDepthMap'),
    dict(type='LoadDepthAnnotation', depth_rescale_factor=1e-3),
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='PackSegInputs', meta_keys=meta_keys),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='CheckDepthMap'),
    dict(type='LoadDepthAnnotation', depth_rescale_factor=1e-3),
    dict(type='PackSegInputs', meta_keys=meta_keys),
]
train_dataloader = dict(
    dataset=dict(
        dataset=dict(
            type='NYUDataset',
            data_root=data_root,
            data_prefix=dict(img_path='images/train',
                             depth_map_path='annotations/train'),
            pipeline=train_pipeline)))
val_dataloader = dict(
    dataset=dict(
        type='NYUDataset',
        data_root=data_root,
        data_prefix=dict(img_path='images/test',
                         depth_map_path='annotations/test'),
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
# The NYU crop of DepthMetric is fixed pixel rows / columns of the 640x480
# images (45:471, 41:601).
val_evaluator = dict(type='DepthMetric', min_depth_eval=1e-3,
                     max_depth_eval=max_depth, crop_type='nyu_crop')

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    type='mmintern.GVBEvaluator', metrics=val_evaluator, gvb=gvb)
