# Your own dataset in GV-B, NYU's depth layout: the 7-Scenes extract (a
# kitchen, Kinect v1 640x480, uint16 millimetres, 0 = no measurement; 100
# frames, the first 80 train, the last 20 test: consecutive video), as
# tools/gvb.py's mini suite writes it into {gvb_root}/seven_scenes/:
#   seven_scenes/images/{train,test}/kitchen_<frame>.jpg
#   seven_scenes/annotations/{train,test}/kitchen_<frame>.png
# Run: tools/gvb.py SPEC --datasets seven_scenes. No reference (own).
# RGB and depth of 7-Scenes are not registered to each other: a mechanism
# check on real frames, not a depth benchmark.
# A CPU-sized protocol (the GV-B depth protocol's head and optimizer):
# 320x240 images, 4 per optimizer step, 60 steps, RMSE in metres.
_base_ = [
    '../_base_/depth_estimation.py',
    '../_base_/schedules/depth_10k.py'
]

gvb_root = _base_.gvb_root
data_root = gvb_root + '/seven_scenes/'
gvb = dict(dataset='seven_scenes', task='depth', title='7-Scenes (own)',
           metric_keys=dict(RMSE='rmse'), higher_is_better=False)

max_depth = 6.
size = (240, 320)
model = dict(
    data_preprocessor=dict(size=size),
    decode_head=dict(max_depth=max_depth))
meta_keys = ('img_path', 'depth_map_path', 'ori_shape', 'img_shape',
             'pad_shape', 'scale_factor', 'flip', 'flip_direction')
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='CheckDepthMap'),
    dict(type='LoadDepthAnnotation', depth_rescale_factor=1e-3),
    dict(type='Resize', scale=(320, 240), keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs', meta_keys=meta_keys),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(320, 240), keep_ratio=True),
    # After Resize: RMSE is computed on the original-size depth maps.
    dict(type='CheckDepthMap'),
    dict(type='LoadDepthAnnotation', depth_rescale_factor=1e-3),
    dict(type='PackSegInputs', meta_keys=meta_keys),
]
scenes = dict(type='NYUDataset', data_root=data_root)
train_dataloader = dict(batch_size=4, dataset=dict(dataset=dict(
    **scenes, data_prefix=dict(img_path='images/train',
                               depth_map_path='annotations/train'),
    pipeline=train_pipeline)))
val_dataloader = dict(dataset=dict(
    **scenes, data_prefix=dict(img_path='images/test',
                               depth_map_path='annotations/test'),
    test_mode=True, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='DepthMetric', min_depth_eval=1e-3,
                     max_depth_eval=max_depth)

total_batch = 4
max_iters = 60
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
param_scheduler = [
    dict(type='PolyLR', eta_min=0, power=0.9, begin=0, end=max_iters,
         by_epoch=False)
]
default_hooks = dict(logger=dict(interval=10))

test_evaluator = dict(
    type='mmintern.GVBEvaluator', metrics=val_evaluator, gvb=gvb)
