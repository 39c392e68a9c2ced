# INTERN Up-A (DeCLIP) with a MetaNet-B1 image encoder on the 250-image
# Flickr8k caption subset: a tiny CPU schedule that checks the whole loop
# (data, four loss terms, optimizer), not a recipe for real pre-training.
# Data root: $INTERN_DATA_ROOT (default ../shared/data, relative to the
# working directory). Run: python tools/train.py THIS_FILE
_base_ = [
    './_base_/stage_runtime.py', './_base_/datasets/flickr8k.py',
    '../_base_/imagenet_norm.py'
]

default_scope = 'mmpretrain'
custom_imports = dict(imports=['mmintern'], allow_failed_imports=False)

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
        mean=_base_.imagenet_mean,
        std=_base_.imagenet_std,
        to_rgb=True))

# Two views of each image (_base_/datasets/flickr8k.py) and the EDA
# caption view.
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='MultiView', num_views=2, transforms=[_base_.flickr8k_view]),
    dict(type='EDATextAugment', p_synonym=0.5, p_swap=0.5, p_delete=0.5,
         alpha=0.1),
    dict(type='PackInputs', algorithm_keys=['text', 'text_aug'],
         meta_keys=['img_path']),
]

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))

# Weight decay 0.1, as CLIP's and DeCLIP's training.
optim_wrapper = dict(optimizer=dict(weight_decay=0.1))
