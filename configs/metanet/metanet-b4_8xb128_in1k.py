# MetaNet-B4 on ImageNet-1k with mmpretrain (Swin's AdamW recipe: 300 epochs,
# Mixup + CutMix, label smoothing). Run: tools/dist_train.sh THIS_FILE 8
_base_ = [
    'mmpretrain::_base_/datasets/imagenet_bs64_swin_224.py',
    'mmpretrain::_base_/schedules/imagenet_bs1024_adamw_swin.py',
    'mmpretrain::_base_/default_runtime.py',
]
custom_imports = dict(imports=['mmintern'], allow_failed_imports=False)

model = dict(
    type='ImageClassifier',
    # out_indices=-1: the pooled 1280-d head feature.
    backbone=dict(type='MetaNet', arch='b4', out_indices=-1,
                  drop_path_rate=0.1),
    neck=None,
    head=dict(
        type='LinearClsHead',
        num_classes=1000,
        in_channels=1280,
        loss=dict(type='LabelSmoothLoss', label_smooth_val=0.1,
                  mode='original'),
        cal_acc=False),
    train_cfg=dict(augments=[
        dict(type='Mixup', alpha=0.8),
        dict(type='CutMix', alpha=1.0)
    ]))

train_dataloader = dict(batch_size=128)
val_dataloader = dict(batch_size=128)
test_dataloader = val_dataloader
# 8 GPUs x 128 images; the schedule's lr is for a total batch of 1024.
auto_scale_lr = dict(base_batch_size=1024)
