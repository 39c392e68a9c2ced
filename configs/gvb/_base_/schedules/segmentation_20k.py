# GV-B segmentation schedule: 20k optimizer steps of 16 images (4 GPUs x 4),
# SGD lr 0.01, momentum 0.9, weight decay 5e-4, poly decay to 1e-4.
# `total_batch` is the batch of one optimizer step: tools/gvb.py keeps it on
# any number of processes with gradient accumulation and scales the
# iteration counts by the accumulation (they count optimizer steps).
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4),
    clip_grad=None)
total_batch = 16
max_iters = 20000
param_scheduler = [
    dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=0, end=max_iters,
         by_epoch=False)
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters,
                 val_interval=max_iters)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
