# GV-B detection protocol: Faster R-CNN + FPN on the frozen backbone (BN in
# eval); the FPN, RPN and RoI head train on `percentage`% of the training
# images (a seeded share that keeps every class), SGD lr 0.02 for 16 images
# per iteration (8 GPUs x 2), momentum 0.9, weight decay 1e-4, steps at 8/12
# and 11/12 of training. GV-B states epochs (VOC: 12 at 1000x600;
# CityPersons: 60): an epoch loop over the `percentage`% subset, which each
# dataset config sets with its milestones. `total_batch` is the batch of one
# optimizer step; tools/gvb.py keeps it on any number of processes N with
# gradient accumulation (optim_wrapper.accumulative_counts =
# total_batch / (N x batch_size)), so the lr stays the one for 16 images.
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
    sampler=dict(type='DefaultSampler', shuffle=True),
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
# The lr above is for 16 images per optimizer step.
total_batch = 16
auto_scale_lr = dict(enable=False, base_batch_size=total_batch)

# VOC's 12 epochs; every dataset config states its own.
epochs = 12
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=epochs,
                 val_interval=epochs)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
# The warm-up counts optimizer steps of `total_batch` images (tools/gvb.py
# scales iteration counts by the accumulation).
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=500),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=epochs,
         milestones=[8, 11], gamma=0.1),
]
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', by_epoch=True,
                    interval=epochs, max_keep_ckpts=1),
    logger=dict(type='LoggerHook', interval=50))
log_processor = dict(by_epoch=True)
