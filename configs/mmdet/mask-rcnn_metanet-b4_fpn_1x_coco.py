# Mask R-CNN + FPN with MetaNet-B4 on COCO (mmdet). Swin-T's recipe: AdamW,
# lr 1e-4, weight decay 0.05, 12 epochs.
_base_ = [
    'mmdet::_base_/models/mask-rcnn_r50_fpn.py',
    'mmdet::_base_/datasets/coco_instance.py',
    'mmdet::_base_/schedules/schedule_1x.py',
    'mmdet::_base_/default_runtime.py',
    '../_base_/metanet-b4_dense.py',
]

model = dict(
    backbone={{_base_.metanet_b4_dense}},
    neck=dict(in_channels=[64, 128, 192, 384]))
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=0.0001, betas=(0.9, 0.999),
                   weight_decay=0.05),
    paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.))
