# What every distillation config shares: mmpretrain's data loading, an
# unlabeled image folder as data, AdamW with a warm-up and a cosine decay,
# checkpoints that resume (a killed run resumed with --resume ends with the
# weights of an uninterrupted one), no validation (GV-B evaluates the
# exported student: tools/analysis_tools/distill_evidence.py).
default_scope = 'mmpretrain'
custom_imports = dict(imports=['mmintern'], allow_failed_imports=False)

data_root = '{{$INTERN_DATA_ROOT:../shared/data}}'

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=2e-3, weight_decay=0.05),
    clip_grad=dict(max_norm=5.0))
max_iters = 2000
warmup_iters = 100
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=max_iters, T_max=max_iters - warmup_iters, eta_min=1e-5),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters)
val_cfg = val_dataloader = val_evaluator = None
test_cfg = test_dataloader = test_evaluator = None

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=200,
                    max_keep_ckpts=2),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    rng_state=dict(type='TorchRNGStateHook'))
env_cfg = dict(cudnn_benchmark=False, dist_cfg=dict(backend='gloo'))
log_processor = dict(by_epoch=False)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0)
