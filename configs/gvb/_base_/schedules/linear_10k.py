# GV-B linear classification schedule when run by an mmengine Runner: SGD,
# lr 0.01, momentum 0.9, 10k iterations, cosine decay. (tools/gvb.py's
# default probe, the fast probe, fits the head on cached features instead,
# choosing the weight decay on a held-out share; see configs/gvb/README.md.)
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4))
param_scheduler = dict(type='CosineAnnealingLR', T_max=10000, by_epoch=False)
train_cfg = dict(type='IterBasedTrainLoop', max_iters=10000,
                 val_interval=10000)
val_cfg = dict()
test_cfg = dict()
