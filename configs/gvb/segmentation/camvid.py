# Your own dataset in GV-B, images + index masks: the CamVid extract
# (SegNet's 11 classes, 480x360; 101 frames, the first 81 train, the last 20
# test: consecutive video), as tools/gvb.py's mini suite writes it into
# {gvb_root}/camvid/:
#   camvid/img_dir/{train,test}/<name>.png
#   camvid/ann_dir/{train,test}/<name>.png   (uint8 class index, 11 = void)
# Run: tools/gvb.py SPEC --datasets camvid. Not a GV-B dataset: no reference.
# A CPU-sized protocol: the GV-B segmentation protocol's DeepLabV3 + FCN
# heads and optimizer with slim heads (64 / 32 channels), 320x240 images, 4
# per optimizer step, 60 steps, poly decay.
_base_ = [
    '../_base_/segmentation_deeplabv3.py',
    '../_base_/schedules/segmentation_20k.py'
]

gvb_root = _base_.gvb_root
data_root = gvb_root + '/camvid/'
classes = ('sky', 'building', 'pole', 'road', 'pavement', 'tree',
           'sign_symbol', 'fence', 'car', 'pedestrian', 'bicyclist')
void = 11

gvb = dict(dataset='camvid', task='segmentation', title='CamVid (own)',
           metric_keys=dict(mIoU='mIoU'), higher_is_better=True)

crop_size = (240, 320)
model = dict(
    # Padding reads as void, like the unlabelled pixels.
    data_preprocessor=dict(size=crop_size, seg_pad_val=void),
    decode_head=dict(num_classes=len(classes), ignore_index=void,
                     channels=64),
    auxiliary_head=dict(num_classes=len(classes), ignore_index=void,
                        channels=32))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='CheckSegMap', num_classes=len(classes), ignore_index=void),
    dict(type='Resize', scale=(320, 240), keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(320, 240), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='CheckSegMap', num_classes=len(classes), ignore_index=void),
    dict(type='PackSegInputs'),
]
camvid = dict(type='BaseSegDataset', data_root=data_root,
              metainfo=dict(classes=classes), img_suffix='.png',
              seg_map_suffix='.png', ignore_index=void)
train_dataloader = dict(dataset=dict(dataset=dict(
    **camvid, data_prefix=dict(img_path='img_dir/train',
                               seg_map_path='ann_dir/train'),
    pipeline=train_pipeline)))
val_dataloader = dict(dataset=dict(
    **camvid, data_prefix=dict(img_path='img_dir/test',
                               seg_map_path='ann_dir/test'),
    test_mode=True, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'],
                     ignore_index=void)

total_batch = 4
max_iters = 60
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
param_scheduler = [
    dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=0, end=max_iters,
         by_epoch=False)
]
default_hooks = dict(logger=dict(interval=10))

test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator', metrics=val_evaluator,
    gvb=gvb)
