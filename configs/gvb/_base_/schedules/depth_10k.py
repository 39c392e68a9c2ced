# GV-B depth schedule: 10k optimizer steps of 8 images, AdamW lr 2e-4,
# weight decay 0.01, poly decay to 0. `total_batch` is the batch of one
# optimizer step: tools/gvb.py keeps it on any number of processes with
# gradient accumulation and scales the iteration counts by the accumulation.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=2e-4, weight_decay=0.01),
    clip_grad=None)
total_batch = 8
max_iters = 10000
param_scheduler = [
    dict(type='PolyLR', eta_min=0, power=0.9, begin=0, end=max_iters,
         by_epoch=False)
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=max_iters)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
