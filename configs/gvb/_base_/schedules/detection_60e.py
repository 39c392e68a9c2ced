# GV-B's CityPersons schedule: 60 epochs, lr x0.1 after epochs 40 and 55;
# otherwise detection_12e.py's (SGD lr 0.02 for 16 images per optimizer
# step, a 500-step warm-up).
_base_ = ['./detection_12e.py']

epochs = 60
train_cfg = dict(max_epochs=epochs, val_interval=epochs)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=500),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=epochs,
         milestones=[40, 55], gamma=0.1),
]
