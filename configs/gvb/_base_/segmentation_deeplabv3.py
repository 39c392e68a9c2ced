# GV-B segmentation protocol: DeepLabV3 (ASPP) on the stride-16 map of the
# frozen backbone (BN in eval) with an auxiliary FCN head on the stride-8
# map; the heads train on `percentage`% of the training images (a seeded
# share that keeps every class), 512x512 crops, 4 per process, on the
# schedule each dataset config lists (VOC2012: schedules/segmentation_20k.py,
# 20k steps of 16 images, SGD lr 0.01).
# Difference from mmseg's DeepLabV3 configs: the heads use BN, not SyncBN,
# so the protocol also runs on one process and on CPU; with several GPUs,
# SyncBN (norm_cfg=dict(type='SyncBN', requires_grad=True)) is the usual
# choice.
# tools/gvb.py swaps in the backbone under test and its weights.
_base_ = [
    'mmseg::_base_/models/deeplabv3_r50-d8.py',
    'mmseg::_base_/default_runtime.py', './protocol_runtime.py'
]
default_scope = 'mmseg'


crop_size = (512, 512)
norm_cfg = dict(type='BN', requires_grad=True)
model = dict(
    # Test images are padded to a multiple of the backbone's stride.
    data_preprocessor=dict(size=crop_size, test_cfg=dict(size_divisor=32)),
    pretrained=None,
    backbone=dict(
        _delete_=True,
        type='MetaNet',
        arch='b4',
        # Strides 4, 8, 16, 32; widths 64, 128, 192, 384 for B4.
        out_indices=(1, 2, 4, 5)),
    decode_head=dict(
        in_channels=192, in_index=2, num_classes=21, norm_cfg=norm_cfg),
    auxiliary_head=dict(
        in_channels=128, in_index=1, num_classes=21, norm_cfg=norm_cfg),
    test_cfg=dict(mode='whole'))

train_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(type='PercentageDataset', task='segmentation',
                 percentage=_base_.percentage, seed=_base_.split_seed))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # One checkpoint, at the end of training.
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=-1,
                    save_last=True, max_keep_ckpts=1),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
log_processor = dict(by_epoch=False)
