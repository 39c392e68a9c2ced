# The GPU-cluster schedule of the distillation recipes: ImageNet-1k's
# training images (labels unused) at 224 px, 8 GPUs x 128 images, 100
# epochs of AdamW (lr 2e-3 for the 1024-image batch, weight decay 0.05),
# 5 warm-up epochs, cosine decay. Run:
#   bash tools/dist_train.sh CONFIG 8
# (fewer GPUs: --auto-scale-lr scales the lr by the batch).
_base_ = ['./distill_runtime.py']

imagenet_root = 'data/imagenet'
size = 224
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=size, backend='pillow',
         interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=128,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='CustomDataset', data_root=imagenet_root,
                 data_prefix='train', with_label=False,
                 pipeline=train_pipeline))

epochs = 100
warmup_epochs = 5
optim_wrapper = dict(optimizer=dict(lr=2e-3))
auto_scale_lr = dict(base_batch_size=1024)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0,
         end=warmup_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=warmup_epochs,
         end=epochs, T_max=epochs - warmup_epochs, eta_min=1e-5,
         convert_to_iter_based=True),
]
train_cfg = dict(_delete_=True, type='EpochBasedTrainLoop',
                 max_epochs=epochs)
default_hooks = dict(
    logger=dict(interval=100),
    checkpoint=dict(by_epoch=True, interval=5, max_keep_ckpts=3))
log_processor = dict(by_epoch=True)
