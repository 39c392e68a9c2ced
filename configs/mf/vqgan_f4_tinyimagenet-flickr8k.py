# MF stage 1: a VQ-GAN of the upstream images, on a CPU. The upstream data
# is what the distilled MetaNet-B1 learned from (the 30,200 Tiny ImageNet
# images of configs/distill/, labels unused) and the Flickr8k images of
# Up-A's image-text pairs; downstream data (CIFAR-10, raccoon, CamVid,
# 7-Scenes) is never seen.
#   python tools/train.py configs/mf/vqgan_f4_tinyimagenet-flickr8k.py
# Defaults, and why:
# - down-sampling factor 4 (two levels), not taming's 16: the downstream
#   images include 32 px CIFAR-10, which f16 would code as 2x2 tokens; at
#   f4 a 64 px crop is 16x16 codes and fine detail survives re-encoding;
# - 512 codes of 32 dims (BEiT v2's quantizer: cosine codebook, EMA,
#   k-means initialised): enough for 64 px natural-image patches, few
#   enough that a CPU run of 2000 steps uses most of them;
# - a codec of 32 base channels (32, 64, 64 at the three levels): taming's
#   128 costs 16x the compute, about 2 GMACs per 64 px image at 64
#   channels already, too much for 2 CPU cores;
# - 64 px training crops: Tiny ImageNet's own size; the codec is fully
#   convolutional, so any size re-encodes (padded to a multiple of 4);
# - the perceptual term on the frozen upstream backbone (the distilled
#   MetaNet-B1, `make distill`), its stride-4 and stride-8 maps: no VGG
#   exists here, and MF wants images the pretrained model sees as its own;
# - the discriminator starts at step 1000 (half way), as taming starts it
#   once reconstructions are reasonable; lr 2e-4 with Adam betas (0.5, 0.9)
#   for both, taming's.
_base_ = ['../intern/_base_/stage_runtime.py']

default_scope = 'mmpretrain'
custom_imports = dict(imports=['mmintern'], allow_failed_imports=False)
data_root = '{{$INTERN_DATA_ROOT:../shared/data}}'
upstream_backbone = 'checkpoints/metanet-b1_distilled.pth'

size = 64
max_iters = 2000
model = dict(
    type='VQGAN',
    embed_dims=32,
    num_embed=512,
    base_channels=32,
    channel_mults=(1, 2, 2),
    num_res_blocks=1,
    beta=0.25,
    perceptual=dict(
        type='BackbonePerceptualLoss',
        backbone=dict(
            type='MetaNet', arch='b1', out_indices=(1, 2),
            init_cfg=dict(type='Pretrained', checkpoint=upstream_backbone,
                          prefix='backbone.'))),
    perceptual_weight=1.0,
    discriminator=dict(channels=64, num_layers=2),
    disc_start=1000,
    disc_weight=0.8)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=size, crop_ratio_range=(0.5, 1.0),
         backend='pillow', interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='ConcatDataset',
        datasets=[
            dict(type='CustomDataset', data_root=data_root + '/tiny_imagenet',
                 with_label=False, pipeline=train_pipeline),
            dict(type='CustomDataset',
                 data_root=data_root + '/flickr8k_captions/images',
                 with_label=False, pipeline=train_pipeline),
        ]))

optim_wrapper = dict(
    _delete_=True,
    constructor='MultiOptimWrapperConstructor',
    generator=dict(type='OptimWrapper', optimizer=dict(
        type='Adam', lr=2e-4, betas=(0.5, 0.9))),
    discriminator=dict(type='OptimWrapper', optimizer=dict(
        type='Adam', lr=2e-4, betas=(0.5, 0.9))))
param_scheduler = None  # constant, as taming's
train_cfg = dict(max_iters=max_iters)
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=200, max_keep_ckpts=2))
