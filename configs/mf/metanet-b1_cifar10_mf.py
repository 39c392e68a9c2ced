# MF (INTERN's multi-stage fine-tuning) of the distilled MetaNet-B1 on GV-B
# CIFAR-10 at 10%: the GV-B dataset config (configs/gvb/classification/
# cifar10.py: its data, split and evaluation) with the backbone trained.
#   stage 1: python tools/train.py configs/mf/vqgan_f4_tinyimagenet-flickr8k.py
#   stage 2: python tools/dataset_converters/reencode_dataset.py \
#       data/gvb/cifar10 data/gvb_reencoded/cifar10 \
#       --config VQGAN_CONFIG --checkpoint VQGAN_CHECKPOINT
#   stages 3-4: python tools/train.py configs/mf/metanet-b1_cifar10_mf.py
# (--cfg-options gvb_root=... reencoded_root=... move the two copies.)
# Stage 3 (MultiStageFinetuneHook): the first 100 of 300 iterations train
# only the new linear head, on the re-encoded copy; stage 4 trains all, on
# the real images, the backbone at 0.1x the head's learning rate. Without
# re-encoded data (stage3_dataloader=None) this is LP-FT; stage3=300 is MF
# without stage 4; stage3=0 plain fine-tuning. A CPU-sized schedule: 300
# AdamW steps of 32 images at 112 px (GV-B's 224 costs 4x).
_base_ = ['../gvb/classification/cifar10.py']

reencoded_root = 'data/gvb_reencoded'
pretrained = 'checkpoints/metanet-b1_distilled.pth'  # make distill
size = 112
max_iters = 300
stage3 = 100

# MetaNet-B1 as configs/gvb/backbones/metanet-b1.py reads it for
# classification: the stride-32 map, pooled.
model = dict(
    backbone=dict(_delete_=True, type='MetaNet', arch='b1', out_indices=5),
    neck=dict(_delete_=True, type='GlobalAveragePooling'),
    head=dict(in_channels=192))
array_pipeline = [
    dict(type='ResizeEdge', scale=size, edge='short'),
    dict(type='CenterCrop', crop_size=size),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(dataset=dict(pipeline=array_pipeline)))
val_dataloader = dict(dataset=dict(pipeline=array_pipeline))
test_dataloader = val_dataloader

# The GV-B protocol's FrozenBackboneHook is replaced: MF trains it.
custom_hooks = [
    dict(type='MultiStageFinetuneHook', checkpoint=pretrained, stage3=stage3,
         stage3_dataloader=dict(dataset=dict(dataset=dict(
             data_root=reencoded_root + '/cifar10/'))))
]
optim_wrapper = dict(
    _delete_=True,
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.1)}))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=False, T_max=max_iters,
         eta_min=1e-5)
]
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop',
                 max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(
    checkpoint=dict(interval=100, max_keep_ckpts=1),
    logger=dict(interval=20))
