# The proxy task that scores one searched MetaNet: the Lite0 -> MetaNet
# distillation of configs/distill/ made short and small (150 steps of 32
# images at 64 px, on the 10,000 unlabeled Tiny ImageNet images of
# test/images only), then the fast linear probe (LinearProbeHook) on 20
# labelled Tiny ImageNet classes of train/, which the distillation never
# sees: half of each class's 100 images fit the probe, the other half score
# it. The top-1 goes to <work_dir>/probe.json. CIFAR-10 and the GV-B mini
# table stay out: they are the evidence. DistillProbeAccuracy writes one
# config per candidate that sets model.backbone.arch on top of this one.
_base_ = ['../../distill/efficientnet-lite0_to_metanet-b1_tinyimagenet.py']

size = 64
iters = 150
# Native 64 px views (the recipe's low-resolution views are not part of
# the proxy task).
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=size, crop_ratio_range=(0.35, 1.0),
         backend='pillow', interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
tiny_imagenet = _base_.data_root + '/tiny_imagenet'
train_dataloader = dict(dataset=dict(data_prefix='test/images',
                                     pipeline=train_pipeline))

warmup_iters = 15
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=iters, T_max=iters - warmup_iters, eta_min=1e-5),
]
train_cfg = dict(max_iters=iters)
default_hooks = dict(checkpoint=dict(interval=50, max_keep_ckpts=1))

# Every tenth Tiny ImageNet class (sorted wnids), images at their 64 px.
probe_classes = [
    'n01443537', 'n01784675', 'n02002724', 'n02123045', 'n02231487',
    'n02410509', 'n02666196', 'n02808440', 'n02906734', 'n03014705',
    'n03250847', 'n03544143', 'n03763968', 'n03930313', 'n04067472',
    'n04254777', 'n04376876', 'n04532106', 'n07614500', 'n07768694'
]
probe_pipeline = [dict(type='LoadImageFromFile'), dict(type='PackInputs')]
probe_set = dict(type='ClassFolderSubset', data_root=tiny_imagenet,
                 data_prefix='train', classes=probe_classes,
                 folders={c: c + '/images' for c in probe_classes},
                 num_parts=2, seed=0, pipeline=probe_pipeline)
custom_hooks = [
    dict(type='LinearProbeHook',
         fit_dataloader=dict(batch_size=100, num_workers=0,
                             dataset=dict(probe_set, part=0)),
         eval_dataloader=dict(batch_size=100, num_workers=0,
                              dataset=dict(probe_set, part=1)))
]
