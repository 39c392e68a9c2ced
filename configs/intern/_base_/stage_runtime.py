# The schedule and runtime every INTERN stage config of this folder shares:
# a tiny CPU schedule (20 iterations of AdamW with a cosine decay, one
# checkpoint at the end, which tools/intern_pipeline.py hands to the next
# stage) that checks a stage's whole loop; it is not a pre-training recipe.
# Give every stage a real budget with tools/intern_pipeline.py
# --cfg-options train_cfg.max_iters=N param_scheduler.0.T_max=N
# default_hooks.checkpoint.interval=N.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    clip_grad=dict(max_norm=5.0))
param_scheduler = [dict(type='CosineAnnealingLR', T_max=20, by_epoch=False)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=20)
# Pre-training stages: GV-B is their evaluation.
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
    sampler_seed=dict(type='DistSamplerSeedHook'),
    # A resumed stage draws the same dropout / drop-path masks as an
    # uninterrupted one (mmengine resumes the seed, not torch's stream).
    rng_state=dict(type='TorchRNGStateHook'))
env_cfg = dict(cudnn_benchmark=False, dist_cfg=dict(backend='gloo'))
log_processor = dict(by_epoch=False)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0)
