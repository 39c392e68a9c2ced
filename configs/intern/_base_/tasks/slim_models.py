# The slim task models of the INTERN experts and the generalist: complete
# mmdet / mmseg model configs less their backbone (MultiTaskExpert gives each
# a view of the shared trunk). One file, so that a stage using both takes
# the ImageNet normalisation (configs/_base_/imagenet_norm.py) once.
_base_ = ['../../../_base_/imagenet_norm.py']

# A slim RetinaNet for MultiTaskExpert: a complete mmdet detector config
# less its backbone (MultiTaskExpert gives it a view of the shared trunk)
# and its bbox_head's num_classes, on the trunk's stride-8/16/32 maps of
# MetaNet-B1 (64, 96, 192 channels). Single-stage, so no RoI ops (mmcv's CPU
# RoIAlign is the slow, fragile part of a two-stage detector on CPU), and
# its tower depth (stacked_convs) and width (feat_channels) shrink freely.
# Anchors are sized for 128-px images: octave_base_scale 3 at strides
# 8/16/32 spans 24 to 152 px, the shapes (21-51 px) and raccoons (most of
# the image). FCOS would need its pixel regress_ranges re-tuned the same
# way, and adds GroupNorm and a centerness branch for nothing at this scale.
# The inner types are unscoped: MultiTaskExpert builds a task under its
# type's scope (mmdet).
slim_retinanet = dict(
    type='mmdet.RetinaNet',
    data_preprocessor=dict(
        type='DetDataPreprocessor',
        mean=_base_.imagenet_mean,
        std=_base_.imagenet_std,
        bgr_to_rgb=True,
        pad_size_divisor=32),
    neck=dict(
        type='FPN', in_channels=[64, 96, 192], out_channels=32, num_outs=3),
    bbox_head=dict(
        type='RetinaHead',
        in_channels=32,
        stacked_convs=1,
        feat_channels=32,
        anchor_generator=dict(
            type='AnchorGenerator',
            octave_base_scale=3,
            scales_per_octave=3,
            ratios=[0.5, 1.0, 2.0],
            strides=[8, 16, 32]),
        bbox_coder=dict(
            type='DeltaXYWHBBoxCoder',
            target_means=[.0, .0, .0, .0],
            target_stds=[1.0, 1.0, 1.0, 1.0]),
        loss_cls=dict(
            type='FocalLoss', use_sigmoid=True, gamma=2.0, alpha=0.25,
            loss_weight=1.0),
        loss_bbox=dict(type='L1Loss', loss_weight=1.0)),
    train_cfg=dict(
        assigner=dict(
            type='MaxIoUAssigner', pos_iou_thr=0.5, neg_iou_thr=0.4,
            min_pos_iou=0, ignore_iof_thr=-1),
        sampler=dict(type='PseudoSampler'),  # focal loss: no sampling
        allowed_border=-1,
        pos_weight=-1,
        debug=False),
    test_cfg=dict(
        nms_pre=500, min_bbox_size=0, score_thr=0.05,
        nms=dict(type='nms', iou_threshold=0.5), max_per_img=50))

# A slim FCN segmentor for MultiTaskExpert: a complete mmseg segmentor
# config less its backbone (MultiTaskExpert gives it a view of the shared
# trunk) and its dataset's num_classes / ignore index (set decode_head's
# num_classes and ignore_index and the preprocessor's seg_pad_val). FCNHead
# over the four trunk maps of MetaNet-B1 resized to stride 4 and
# concatenated (32+64+96+192 channels), one 3x3 conv of 64: the lightest
# head that still sees every scale. The inner types are unscoped:
# MultiTaskExpert builds a task under its type's scope (mmseg).
slim_fcn = dict(
    type='mmseg.EncoderDecoder',
    data_preprocessor=dict(
        type='SegDataPreProcessor',
        mean=_base_.imagenet_mean,
        std=_base_.imagenet_std,
        bgr_to_rgb=True,
        pad_val=0,
        size_divisor=32),
    decode_head=dict(
        type='FCNHead',
        in_channels=[32, 64, 96, 192],
        in_index=[0, 1, 2, 3],
        input_transform='resize_concat',
        channels=64,
        num_convs=1,
        concat_input=False,
        dropout_ratio=0.1,
        norm_cfg=dict(type='BN', requires_grad=True),
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
