# MF of the distilled MetaNet-B1 on the raccoon detection set at 10%: the
# GV-B dataset config (configs/gvb/detection/raccoon.py: Faster R-CNN + FPN
# with slim heads, 320x192, 12 epochs) with the backbone trained. Stages
# 1-2 as in metanet-b1_cifar10_mf.py (the re-encoded copy of raccoon/:
# its JPEGImages re-encoded, Annotations and ImageSets kept); then
#   python tools/train.py configs/mf/metanet-b1_raccoon_mf.py
# Stage 3: the first 4 of 12 epochs train only the new parts (FPN, RPN,
# RoI head) on the re-encoded images; stage 4 everything on the real ones,
# the backbone at 0.1x the learning rate, its BatchNorm statistics frozen
# (norm_eval: 2 images per batch cannot estimate them).
_base_ = ['../gvb/detection/raccoon.py']

reencoded_root = 'data/gvb_reencoded'
pretrained = 'checkpoints/metanet-b1_distilled.pth'  # make distill
stage3 = 4

# MetaNet-B1 as configs/gvb/backbones/metanet-b1.py reads it for the dense
# tasks: strides 4, 8, 16, 32.
model = dict(
    backbone=dict(_delete_=True, type='MetaNet', arch='b1',
                  out_indices=(1, 2, 4, 5), norm_eval=True),
    neck=dict(in_channels=[32, 64, 96, 192]))

custom_hooks = [
    dict(type='MultiStageFinetuneHook', checkpoint=pretrained, stage3=stage3,
         by_epoch=True,
         stage3_dataloader=dict(dataset=dict(dataset=dict(
             data_root=reencoded_root + '/raccoon/VOCdevkit/'))))
]
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.1)}))
