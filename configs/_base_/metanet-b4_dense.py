# MetaNet-B4 as a dense backbone for mmdet / mmseg configs. A child config
# takes it whole: `model = dict(backbone={{_base_.metanet_b4_dense}})`.
custom_imports = dict(imports=['mmintern'], allow_failed_imports=False)

# ImageNet weights: from configs/metanet (trained), or converted from the
# release with tools/model_converters/metanet_to_mmintern.py.
pretrained = 'checkpoints/metanet-b4_in1k.pth'
# Stage outputs 1, 2, 4, 5: strides 4, 8, 16, 32, widths 64, 128, 192, 384.
metanet_b4_dense = dict(
    _delete_=True,  # replaces the host base config's backbone
    type='MetaNet',
    arch='b4',
    out_indices=(1, 2, 4, 5),
    drop_path_rate=0.1,
    init_cfg=dict(type='Pretrained', checkpoint=pretrained,
                  prefix='backbone.'))
