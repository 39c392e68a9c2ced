# ImageNet-1k classification (mmpretrain) with the Up-G generalist of
# MetaNet-B4 branches as its backbone: the MetaNet-B4 config with the
# backbone swapped, reading the fused 1280-d head vector.
_base_ = [
    './metanet-b4_8xb128_in1k.py',
    '../_base_/up-g_metanet-b4.py',
]

model = dict(backbone={{_base_.up_g_metanet_b4_pooled}})
