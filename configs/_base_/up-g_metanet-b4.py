# The Up-G generalist (INTERN's upstream generalist, UpGGeneralist) with a
# MetaNet-B4 trunk and image / patch / pixel MetaNet-B4 expert branches, as
# the backbone of mmpretrain, mmdet and mmseg configs, the way MetaNet-B4 is
# one: a child config inherits its MetaNet-B4 config and this file and takes
# `model = dict(backbone={{_base_.up_g_metanet_b4_dense}})` (or
# `..._pooled` for classification).
#
# Weights: the checkpoint of an Up-G stage, whose generalist is its
# `backbone.` (configs/intern/up-g_*.py run by tools/intern_pipeline.py).
# The experts stay frozen (freeze_experts); the trunk and the fusions train.
up_g_checkpoint = 'checkpoints/up-g_metanet-b4.pth'
up_g_metanet_b4_dense = dict(
    _delete_=True,  # replaces the parent config's backbone
    type='UpGGeneralist',
    trunk=dict(type='MetaNet', arch='b4', drop_path_rate=0.1),
    experts=dict(
        image=dict(type='MetaNet', arch='b4'),
        patch=dict(type='MetaNet', arch='b4'),
        pixel=dict(type='MetaNet', arch='b4')),
    # Strides 4, 8, 16, 32, widths 64, 128, 192, 384 (the trunk's).
    out_indices=(1, 2, 4, 5),
    init_cfg=dict(type='Pretrained', checkpoint=up_g_checkpoint,
                  prefix='backbone.'))
# The pooled 1280-d head vector of every branch (fused as vectors).
up_g_metanet_b4_pooled = dict(up_g_metanet_b4_dense, out_indices=-1)
