# GV-B detection schedule: 12 epochs (VOC07+12), SGD lr 0.02 for 16 images
# per optimizer step (8 GPUs x 2), momentum 0.9, weight decay 1e-4, a
# 500-step linear warm-up, lr x0.1 after epochs 8 and 11.
# `total_batch` is the batch of one optimizer step: tools/gvb.py keeps it on
# any number of processes N with gradient accumulation
# (optim_wrapper.accumulative_counts = total_batch / (N x batch_size)) and
# scales the iteration counts (the warm-up) by it, so the lr stays the one
# for 16 images.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=1e-4))
total_batch = 16
auto_scale_lr = dict(enable=False, base_batch_size=total_batch)

epochs = 12
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=epochs,
                 val_interval=epochs)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=500),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=epochs,
         milestones=[8, 11], gamma=0.1),
]
