# What every distillation config shares: the INTERN stages' runtime
# (configs/intern/_base_/stage_runtime.py: checkpoints that resume exactly,
# no validation: GV-B evaluates the exported student), with the CPU
# recipes' schedule: 2000 steps of AdamW, a 100-step warm-up, a cosine
# decay, a checkpoint every 200 steps.
_base_ = ['../../intern/_base_/stage_runtime.py']

default_scope = 'mmpretrain'
custom_imports = dict(imports=['mmintern'], allow_failed_imports=False)

data_root = '{{$INTERN_DATA_ROOT:../shared/data}}'

optim_wrapper = dict(optimizer=dict(lr=2e-3))
max_iters = 2000
warmup_iters = 100
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=max_iters, T_max=max_iters - warmup_iters, eta_min=1e-5),
]
train_cfg = dict(max_iters=max_iters)
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=200, max_keep_ckpts=2))
