# GV-B detection protocol: Faster R-CNN + FPN on the frozen backbone (BN in
# eval); the FPN, RPN and RoI head train on `percentage`% of the training
# images (a seeded share that keeps every class), SGD lr 0.02 for 16 images
# per iteration (8 GPUs x 2), momentum 0.9, weight decay 1e-4, steps at 8/12
# and 11/12 of training. GV-B states epochs (VOC: 12 at 1000x600;
# CityPersons: 60); mmengine's epoch loop cannot wrap a
# PercentageDataset-sized epoch around an InfiniteSampler, so each dataset
# config turns its epochs into iterations of 16 images:
#   iters_per_epoch = ceil(train_images * percentage / 100 / 16)
# and sets `train_cfg` / `param_scheduler` from it (see voc0712.py).
# tools/gvb.py swaps in the backbone under test and its weights.
_base_ = [
    'mmdet::_base_/models/faster-rcnn_r50_fpn.py',
    'mmdet::_base_/default_runtime.py', './protocol_runtime.py'
]
default_scope = 'mmdet'


model = dict(
    data_preprocessor=dict(pad_size_divisor=32),
    backbone=dict(
        _delete_=True,
        type='MetaNet',
        arch='b4',
        # Strides 4, 8, 16, 32.
        out_indices=(1, 2, 4, 5)),
    neck=dict(in_channels=[64, 128, 192, 384]),
    roi_head=dict(bbox_head=dict(num_classes=1)))  # set by each dataset

backend_args = None
train_dataloader = dict(
    batch_size=2,
    num_workers=2,
    persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(type='PercentageDataset', task='detection',
                 percentage=_base_.percentage, seed=_base_.split_seed))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=False,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False))
test_dataloader = val_dataloader

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=1e-4))
# The lr above is for 16 images per iteration; with fewer GPUs turn on
# `--auto-scale-lr` (mmdet's train.py) or scale it by hand.
auto_scale_lr = dict(enable=False, base_batch_size=16)

# Placeholder schedule (VOC07+12 at 10%: 104 iterations per epoch, 12
# epochs); every dataset config replaces it with its own numbers.
max_iters = 1248
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=max_iters)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=500),
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=max_iters,
         milestones=[max_iters * 8 // 12, max_iters * 11 // 12], gamma=0.1),
]
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', by_epoch=False,
                    interval=max_iters, max_keep_ckpts=1),
    logger=dict(type='LoggerHook', interval=50))
log_processor = dict(by_epoch=False)
