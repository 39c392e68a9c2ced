# Distil EfficientNet-Lite0 (its real ImageNet weights) into MetaNet-B1, on
# a CPU: 30,200 unlabeled 64x64 Tiny ImageNet images (the 100 labelled per
# class of train/ with their labels unused, and the 10,000 of test/images),
# shown at 128 px; the teacher and the three terms of
# _base_/lite0_teacher.py. CIFAR-10 is kept out: the evidence measures on
# it.
#   python tools/train.py configs/distill/efficientnet-lite0_to_metanet-b1_tinyimagenet.py
#   python tools/model_converters/export_backbone.py \
#       work_dirs/efficientnet-lite0_to_metanet-b1_tinyimagenet/iter_2000.pth \
#       checkpoints/metanet-b1_distilled.pth
# (make distill runs both.) The schedule (_base_/distill_runtime.py: 2000
# steps of 32 images, AdamW lr 2e-3) is sized for 2 CPU cores; the GPU
# recipes are the *_8xb128_in1k.py configs beside this one.
_base_ = ['./_base_/lite0_teacher.py', './_base_/distill_runtime.py']

size = 128
# Outputs at strides 8, 16, 32 (64, 96, 192 channels).
model = dict(backbone=dict(type='MetaNet', arch='b1', out_indices=(2, 4, 5)))

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
