# INTERN Up-A-L (local/dense self-supervision) with a MetaNet-B1 backbone on
# the 250-image Flickr8k caption subset, started from the Up-A-G (DeCLIP)
# stage's image encoder: a tiny CPU schedule that checks the whole loop
# (stage checkpoint, data, dense and global terms, optimizer), not a recipe
# for real pre-training. Captions are not used.
# Data root: $INTERN_DATA_ROOT (default ../shared/data, relative to the
# working directory). Run: python tools/train.py THIS_FILE --cfg-options
# custom_hooks.0.checkpoint=<Up-A-G final checkpoint>
# (tools/intern_pipeline.py sets it).
default_scope = 'mmpretrain'
# The explicit modules register UpALocal, the dense loss, the dataset and
# the stage hook even where mmintern's package __init__ files do not.
custom_imports = dict(
    imports=[
        'mmintern', 'mmintern.models.losses.dense_simsiam',
        'mmintern.models.algorithms.up_a_local',
        'mmintern.datasets.image_text_dataset',
        'mmintern.engine.hooks.load_stage_checkpoint_hook'
    ],
    allow_failed_imports=False)

data_root = '{{$INTERN_DATA_ROOT:../shared/data}}/flickr8k_captions'
img_size = 64

model = dict(
    type='UpALocal',
    # Stage output 4 is MetaNet-B1's stride-16 map: 4x4 locations at 64 px.
    # No head (out_indices=-1 builds it): Up-A-L tunes the dense maps.
    backbone=dict(type='MetaNet', arch='b1', out_indices=(4, )),
    dense_channels=128,
    pred_channels=32,
    global_weight=0.5,
    dense_weight=0.5,
    data_preprocessor=dict(
        type='SelfSupDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True))

# MoCo-v2 views, as in the Up-A-G config. No hue jitter: mmcv 2.1's
# adjust_hue overflows on a negative shift under numpy 2.
view = [
    dict(type='RandomResizedCrop', scale=img_size, crop_ratio_range=(0.2, 1.),
         backend='pillow'),
    dict(type='RandomApply', transforms=[
        dict(type='ColorJitter', brightness=0.4, contrast=0.4,
             saturation=0.4)], prob=0.8),  # no hue: see note
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True,
         channel_weights=(0.114, 0.587, 0.2989)),
    dict(type='RandomFlip', prob=0.5),
]
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='MultiView', num_views=2, transforms=[view]),
    dict(type='PackInputs', meta_keys=['img_path']),
]

train_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='ImageTextDataset',
        data_root=data_root,
        ann_file='captions.txt',
        data_prefix=dict(img_path='images'),
        pipeline=train_pipeline))

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.1),
    clip_grad=dict(max_norm=5.0))
param_scheduler = [dict(type='CosineAnnealingLR', T_max=20, by_epoch=False)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=20)
val_cfg = None
val_dataloader = None
val_evaluator = None
test_cfg = None
test_dataloader = None
test_evaluator = None

# Start from the Up-A-G stage: its image encoder (DeCLIP's
# `image_encoder.*`) becomes `backbone.*`. Its 1280-d head is not built
# here and is reported as not in the model.
custom_hooks = [
    dict(
        type='LoadStageCheckpointHook',
        checkpoint=None,
        mapping={'image_encoder.': 'backbone.'})
]

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=5),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=20),
    sampler_seed=dict(type='DistSamplerSeedHook'))
env_cfg = dict(cudnn_benchmark=False, dist_cfg=dict(backend='gloo'))
log_processor = dict(by_epoch=False)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0)
