# DeepLabV3 (ASPP) + auxiliary FCN head with MetaNet-B4 on ADE20K (mmseg).
# ASPP reads the stride-16 map (192 channels), the auxiliary head stride 8.
_base_ = [
    'mmseg::_base_/models/deeplabv3_r50-d8.py',
    'mmseg::_base_/datasets/ade20k.py',
    'mmseg::_base_/default_runtime.py',
    'mmseg::_base_/schedules/schedule_80k.py',
]
custom_imports = dict(imports=['mmintern'], allow_failed_imports=False)

# ImageNet weights: from configs/metanet (trained), or converted from the
# release with tools/model_converters/metanet_to_mmintern.py.
pretrained = 'checkpoints/metanet-b4_in1k.pth'
# Stage outputs 1, 2, 4, 5: strides 4, 8, 16, 32, widths 64, 128, 192, 384.
backbone = dict(
    _delete_=True,
    type='MetaNet',
    arch='b4',
    out_indices=(1, 2, 4, 5),
    drop_path_rate=0.1,
    init_cfg=dict(type='Pretrained', checkpoint=pretrained,
                  prefix='backbone.'))
crop_size = (512, 512)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    pretrained=None,
    backbone=backbone,
    decode_head=dict(in_channels=192, in_index=2, num_classes=150),
    auxiliary_head=dict(in_channels=128, in_index=1, num_classes=150))
