# Distil EfficientNet-Lite0 (its real ImageNet weights) into MetaNet-B1, on
# a CPU: 30,200 unlabeled 64x64 Tiny ImageNet images (the 100 labelled per
# class of train/ with their labels unused, and the 10,000 of test/images),
# shown at 128 px. Three terms at once, as INTERN distils its small models:
# the pooled feature (cosine), the maps at strides 8, 16 and 32 (cosine per
# location, 1x1 connectors, the student's map resized to the teacher's
# grid) and the teacher's ImageNet logits (KL, tau 1, weight 0.2). CIFAR-10 is kept out:
# the evidence measures on it.
#   python tools/train.py configs/distill/efficientnet-lite0_to_metanet-b1_tinyimagenet.py
#   python tools/model_converters/export_backbone.py \
#       work_dirs/efficientnet-lite0_to_metanet-b1_tinyimagenet/iter_2000.pth \
#       checkpoints/metanet-b1_distilled.pth
# The schedule (2000 steps of 32 images, AdamW lr 2e-3) is sized for 2 CPU
# cores; the GPU recipes are the *_8xb*.py configs beside this one.
_base_ = ['./_base_/distill_runtime.py']

size = 128
model = dict(
    type='FeatureDistiller',
    # configs/efficientnet_lite/tf-efficientnet-lite0_8xb32_in1k.py's model.
    teacher=dict(
        type='mmpretrain.ImageClassifier',
        backbone=dict(type='mmpretrain.TIMMBackbone',
                      model_name='tf_efficientnet_lite0'),
        neck=dict(type='mmpretrain.GlobalAveragePooling'),
        head=dict(type='mmpretrain.LinearClsHead', num_classes=1000,
                  in_channels=1280),
        init_cfg=dict(type='Pretrained',
                      checkpoint='mmintern://tf_efficientnet_lite0')),
    # Outputs at strides 8, 16, 32 (64, 96, 192 channels).
    backbone=dict(type='MetaNet', arch='b1', out_indices=(2, 4, 5)),
    teacher_layers=dict(
        pooled='neck', logits='head.fc',
        s8='backbone.timm_model.blocks.2',
        s16='backbone.timm_model.blocks.4',
        s32='backbone.timm_model.blocks.6'),
    pooled=dict(weight=1.0, loss='cosine', student=-1),
    dense=dict(weight=1.0, loss='cosine', student=dict(s8=0, s16=1, s32=2)),
    # The 1000-class KL starts near 5.6, the cosines near 0.8: 0.2 keeps the
    # three terms of one size.
    logits=dict(weight=0.2, tau=1.0),
    # The TF weights want [-1, 1] inputs; MetaNet ImageNet's statistics.
    teacher_mean=(127.5, 127.5, 127.5),
    teacher_std=(127.5, 127.5, 127.5),
    data_preprocessor=dict(type='ClsDataPreprocessor', to_rgb=True))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=size, crop_ratio_range=(0.35, 1.0),
         backend='pillow', interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    # with_label=False: every image under the folder, labels unused.
    dataset=dict(type='CustomDataset',
                 data_root=_base_.data_root + '/tiny_imagenet',
                 with_label=False, pipeline=train_pipeline))
