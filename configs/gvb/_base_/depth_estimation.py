# GV-B depth protocol: a light FPN-style depth head (mmintern's
# DenseDepthHead: the four maps fused top-down, sigmoid * max_depth) on the
# frozen backbone (BN in eval), trained with the scale-invariant log loss
# (mmseg's SiLogLoss) on `percentage`% of the training images (a seeded
# random share); mmseg's DepthEstimator, DepthMetric (RMSE in metres and
# the usual abs_rel, d1 ...). GV-B does not spell out its depth head or
# schedule; ours is schedules/depth_10k.py (AdamW, 10k steps of 8 images),
# which each dataset config lists. tools/gvb.py swaps in the backbone under
# test.
_base_ = [
    'mmseg::_base_/default_runtime.py', './protocol_runtime.py'
]
default_scope = 'mmseg'


model = dict(
    type='DepthEstimator',
    data_preprocessor=dict(
        type='SegDataPreProcessor',
        mean=_base_.imagenet_mean,
        std=_base_.imagenet_std,
        bgr_to_rgb=True,
        pad_val=0,
        # Padding of the ground truth reads as "no measurement".
        seg_pad_val=0,
        # Training batches are padded to the crop size (`size`, set by each
        # dataset); test images to a multiple of 32.
        test_cfg=dict(size_divisor=32)),
    backbone=dict(
        type='MetaNet',
        arch='b4',
        # Strides 4, 8, 16, 32; widths 64, 128, 192, 384 for B4.
        out_indices=(1, 2, 4, 5)),
    decode_head=dict(
        type='mmintern.DenseDepthHead',  # imported on this lookup
        in_channels=[64, 128, 192, 384],
        channels=64,
        max_depth=10.,  # set by each dataset
        loss_decode=dict(type='SiLogLoss')),
    test_cfg=dict(mode='whole'))

train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(type='PercentageDataset', task='depth',
                 percentage=_base_.percentage, seed=_base_.split_seed))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False))
test_dataloader = val_dataloader

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
