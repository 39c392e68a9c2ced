# RetinaNet + FPN with MetaNet-B4 on COCO, from mmdet's own base configs.
_base_ = [
    'mmdet::_base_/models/retinanet_r50_fpn.py',
    'mmdet::_base_/datasets/coco_detection.py',
    'mmdet::_base_/schedules/schedule_1x.py',
    'mmdet::_base_/default_runtime.py',
]
custom_imports = dict(imports=['mmintern'], allow_failed_imports=False)

model = dict(
    backbone=dict(
        _delete_=True,
        type='MetaNet',
        arch='b4',
        out_indices=(2, 4, 5),  # strides 8, 16, 32
        drop_path_rate=0.1),
    neck=dict(in_channels=[128, 192, 384], start_level=0))
optim_wrapper = dict(
    optimizer=dict(_delete_=True, type='AdamW', lr=0.0001,
                   weight_decay=0.05))
