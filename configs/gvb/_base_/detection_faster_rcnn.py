# GV-B detection protocol: Faster R-CNN + FPN on the frozen backbone (BN in
# eval); the FPN, RPN and RoI head train on `percentage`% of the training
# images (a seeded share that keeps every class), 2 images per process. GV-B
# states epochs (VOC: 12 at 1000x600; CityPersons: 60): each dataset config
# takes its schedule from _base_/schedules/ (detection_12e.py,
# detection_60e.py: an epoch loop over the `percentage`% subset, SGD lr 0.02
# for 16 images per optimizer step). tools/gvb.py swaps in the backbone
# under test and its weights.
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

# One checkpoint, at the end of training (whatever the schedule's length).
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', by_epoch=True, interval=-1,
                    save_last=True, max_keep_ckpts=1),
    logger=dict(type='LoggerHook', interval=50))
log_processor = dict(by_epoch=True)
