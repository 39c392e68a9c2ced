# MF of the distilled MetaNet-B1 on CamVid segmentation at 10%: the GV-B
# dataset config (configs/gvb/segmentation/camvid.py: DeepLabV3 with an FCN
# auxiliary head, 320x240, 60 iterations of 4 images) with the backbone
# trained. Stages 1-2 as in metanet-b1_cifar10_mf.py (the re-encoded copy
# of camvid/: img_dir re-encoded, the label maps of ann_dir kept); then
#   python tools/train.py configs/mf/metanet-b1_camvid_mf.py
# Stage 3: the first 20 of 60 iterations train only the new heads on the
# re-encoded images; stage 4 everything on the real ones, the backbone at
# 0.1x the learning rate, its BatchNorm statistics frozen (norm_eval).
_base_ = ['../gvb/segmentation/camvid.py']

reencoded_root = 'data/gvb_reencoded'
pretrained = 'checkpoints/metanet-b1_distilled.pth'  # make distill
stage3 = 20

# MetaNet-B1 as configs/gvb/backbones/metanet-b1.py reads it: strides 4, 8,
# 16, 32 (32, 64, 96, 192 channels); the heads read in_index 2 and 1.
model = dict(
    backbone=dict(_delete_=True, type='MetaNet', arch='b1',
                  out_indices=(1, 2, 4, 5), norm_eval=True),
    decode_head=dict(in_channels=96),
    auxiliary_head=dict(in_channels=64))

custom_hooks = [
    dict(type='MultiStageFinetuneHook', checkpoint=pretrained, stage3=stage3,
         stage3_dataloader=dict(dataset=dict(dataset=dict(
             data_root=reencoded_root + '/camvid/'))))
]
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.1)}))
