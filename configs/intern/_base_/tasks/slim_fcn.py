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
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
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
