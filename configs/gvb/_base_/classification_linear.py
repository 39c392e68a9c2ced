# GV-B classification protocol: the backbone frozen (BN in eval), a linear
# head on its pooled feature, trained with SGD on `percentage`% of the
# training set (class-proportional, seeded), no augmentation: short side 224
# + centre crop. tools/gvb.py swaps in the backbone under test; the runner
# also offers the fast cached-feature linear probe for this protocol. Every
# dataset trains on the one schedule, schedules/linear_10k.py.
_base_ = [
    'mmpretrain::_base_/default_runtime.py', './protocol_runtime.py',
    './schedules/linear_10k.py'
]


model = dict(
    type='ImageClassifier',
    backbone=dict(type='MetaNet', arch='b4', out_indices=-1),
    neck=None,
    head=dict(
        type='LinearClsHead',
        num_classes=1000,  # set by each dataset config
        in_channels=1280,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))
data_preprocessor = dict(
    mean=_base_.imagenet_mean, std=_base_.imagenet_std, to_rgb=True)

pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=224, edge='short'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=32,
    num_workers=2,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(type='PercentageDataset', task='classification',
                 percentage=_base_.percentage, seed=_base_.split_seed))
val_dataloader = dict(
    batch_size=64,
    num_workers=2,
    sampler=dict(type='DefaultSampler', shuffle=False))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_evaluator = val_evaluator

default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=2000,
                    max_keep_ckpts=1),
    logger=dict(type='LoggerHook', interval=100))
log_processor = dict(by_epoch=False)
