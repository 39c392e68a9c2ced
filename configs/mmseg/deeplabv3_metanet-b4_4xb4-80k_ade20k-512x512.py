# DeepLabV3 (ASPP) + auxiliary FCN head with MetaNet-B4 on ADE20K (mmseg).
# ASPP reads the stride-16 map (192 channels), the auxiliary head stride 8.
_base_ = [
    'mmseg::_base_/models/deeplabv3_r50-d8.py',
    'mmseg::_base_/datasets/ade20k.py',
    'mmseg::_base_/default_runtime.py',
    'mmseg::_base_/schedules/schedule_80k.py',
    '../_base_/metanet-b4_dense.py',
]

crop_size = (512, 512)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    pretrained=None,
    backbone={{_base_.metanet_b4_dense}},
    decode_head=dict(in_channels=192, in_index=2, num_classes=150),
    auxiliary_head=dict(in_channels=128, in_index=1, num_classes=150))
