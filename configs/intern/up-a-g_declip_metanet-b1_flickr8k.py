# INTERN Up-A (DeCLIP) with a MetaNet-B1 image encoder on the 250-image
# Flickr8k caption subset: a tiny CPU schedule that checks the whole loop
# (data, four loss terms, optimizer), not a recipe for real pre-training.
# Data root: $INTERN_DATA_ROOT (default ../shared/data, relative to the
# working directory). Run: python tools/train.py THIS_FILE
default_scope = 'mmpretrain'
# The explicit modules register DeCLIP, the text encoder, the dataset, EDA
# and the metric even where mmintern's package __init__ files do not.
custom_imports = dict(
    imports=[
        'mmintern', 'mmintern.models.text', 'mmintern.models.algorithms',
        'mmintern.datasets.image_text_dataset',
        'mmintern.datasets.transforms.eda',
        'mmintern.evaluation.metrics.zero_shot'
    ],
    allow_failed_imports=False)

data_root = '{{$INTERN_DATA_ROOT:../shared/data}}/flickr8k_captions'
img_size = 64
context_length = 32

model = dict(
    type='DeCLIP',
    image_encoder=dict(type='MetaNet', arch='b1', out_indices=-1),
    text_encoder=dict(
        type='TextTransformer',
        vocab_size=49409,  # CLIP BPE (49408) + the mask id
        context_length=context_length,
        width=64,
        layers=2,
        heads=4),
    embed_dim=64,
    # DeCLIP's ResNet-50 weights; a term left out is off.
    losses=dict(
        contrastive=dict(weight=0.4),
        simsiam=dict(weight=0.2, proj_channels=128, pred_channels=32),
        mlm=dict(weight=0.2, ratio=0.15),
        nn=dict(weight=0.2, queue_size=256)),
    data_preprocessor=dict(
        type='SelfSupDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True))

# MoCo-v2 views (mmintern.datasets.transforms.eda.two_image_views written
# out) and the EDA caption view. No hue jitter: mmcv 2.1's adjust_hue
# overflows on a negative shift under numpy 2.
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
    dict(type='EDATextAugment', p_synonym=0.5, p_swap=0.5, p_delete=0.5,
         alpha=0.1),
    dict(type='PackInputs', algorithm_keys=['text', 'text_aug'],
         meta_keys=['img_path']),
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
