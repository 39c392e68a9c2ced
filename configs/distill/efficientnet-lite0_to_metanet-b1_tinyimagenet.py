# Distil EfficientNet-Lite0 (its real ImageNet weights) into MetaNet-B1, on
# a CPU: 30,200 unlabeled 64x64 Tiny ImageNet images (the 100 labelled per
# class of train/ with their labels unused, and the 10,000 of test/images),
# shown at 128 px, half of them first shrunk to 16-48 px (low-resolution
# views, below); the teacher and the three terms of
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

# Low-resolution views: GV-B shows every image at 224 px, so a 32 px
# CIFAR image is upsampled 7x there. Without them the student matched the
# teacher's pooled feature with a cosine of 0.65 on Tiny ImageNet but 0.54
# on CIFAR-10 at 224 px (6000 steps), and closed 0.38 of the CIFAR-10 gap;
# with them, 0.70 and 0.55 in 2000 steps (README, "Distillation").
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomApply', prob=0.5, transforms=[
        dict(type='RandomResize', scale=(64, 64), ratio_range=(0.25, 0.75),
             keep_ratio=True, backend='pillow', interpolation='bicubic')
    ]),
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
