# Faster R-CNN + FPN with MetaNet-B4 on COCO (mmdet). Swin-T's recipe: AdamW,
# lr 1e-4, weight decay 0.05, 12 epochs.
_base_ = [
    'mmdet::_base_/models/faster-rcnn_r50_fpn.py',
    'mmdet::_base_/datasets/coco_detection.py',
    'mmdet::_base_/schedules/schedule_1x.py',
    'mmdet::_base_/default_runtime.py',
]
custom_imports = dict(imports=['mmintern'], allow_failed_imports=False)

# ImageNet weights: from configs/metanet (trained), or converted from the
# release with tools/model_converters/metanet_to_mmintern.py.
pretrained = 'checkpoints/metanet-b4_in1k.pth'
# Stage outputs 1, 2, 4, 5: strides 4, 8, 16, 32, widths 64, 128, 192, 384.
backbone = dict(
    _delete_=True,
    type='MetaNet',
    arch='b4',
    out_indices=(1, 2, 4, 5),
    drop_path_rate=0.1,
    init_cfg=dict(type='Pretrained', checkpoint=pretrained,
                  prefix='backbone.'))
model = dict(
    backbone=backbone,
    neck=dict(in_channels=[64, 128, 192, 384]))
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=0.0001, betas=(0.9, 0.999),
                   weight_decay=0.05),
    paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.))
