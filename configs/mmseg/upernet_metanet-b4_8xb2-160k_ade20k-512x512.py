# UperNet with MetaNet-B4 on ADE20K (mmseg), Swin-T's recipe: AdamW, lr 6e-5,
# poly schedule with linear warm-up, 160k iterations, 8 GPUs x 2 images.
_base_ = [
    'mmseg::_base_/models/upernet_swin.py',
    'mmseg::_base_/datasets/ade20k.py',
    'mmseg::_base_/default_runtime.py',
    'mmseg::_base_/schedules/schedule_160k.py',
    '../_base_/metanet-b4_dense.py',
]

crop_size = (512, 512)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    backbone={{_base_.metanet_b4_dense}},
    decode_head=dict(in_channels=[64, 128, 192, 384], num_classes=150),
    auxiliary_head=dict(in_channels=192, num_classes=150))
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=0.00006, betas=(0.9, 0.999),
                   weight_decay=0.01),
    paramwise_cfg=dict(norm_decay_mult=0.))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0,
         end=1500),
    dict(type='PolyLR', eta_min=0.0, power=1.0, begin=1500, end=160000,
         by_epoch=False)
]
train_dataloader = dict(batch_size=2)
