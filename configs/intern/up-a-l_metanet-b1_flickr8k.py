# INTERN Up-A-L (local/dense self-supervision) with a MetaNet-B1 backbone on
# the 250-image Flickr8k caption subset, started from the Up-A-G (DeCLIP)
# stage's image encoder: a tiny CPU schedule that checks the whole loop
# (stage checkpoint, data, dense and global terms, optimizer), not a recipe
# for real pre-training. Captions are not used.
# Data root: $INTERN_DATA_ROOT (default ../shared/data, relative to the
# working directory). Run: python tools/train.py THIS_FILE --cfg-options
# custom_hooks.0.checkpoint=<Up-A-G final checkpoint>
# (tools/intern_pipeline.py sets it).
_base_ = [
    './_base_/stage_runtime.py', './_base_/datasets/flickr8k.py',
    '../_base_/imagenet_norm.py'
]

default_scope = 'mmpretrain'
custom_imports = dict(imports=['mmintern'], allow_failed_imports=False)

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
        mean=_base_.imagenet_mean,
        std=_base_.imagenet_std,
        to_rgb=True))

# Two views of each image (_base_/datasets/flickr8k.py).
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='MultiView', num_views=2, transforms=[_base_.flickr8k_view]),
    dict(type='PackInputs', meta_keys=['img_path']),
]

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))

# Weight decay 0.1, as CLIP's and DeCLIP's training.
optim_wrapper = dict(optimizer=dict(weight_decay=0.1))

# Start from the Up-A-G stage: its image encoder (DeCLIP's
# `image_encoder.*`) becomes `backbone.*`. Its 1280-d head is not built
# here and is reported as not in the model.
custom_hooks = [
    dict(
        type='LoadStageCheckpointHook',
        checkpoint=None,
        mapping={'image_encoder.': 'backbone.'})
]
