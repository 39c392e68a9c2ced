# UperNet on ADE20K (mmseg) with the Up-G generalist of MetaNet-B4 branches
# as its backbone: the MetaNet-B4 config with the backbone swapped.
_base_ = [
    './upernet_metanet-b4_8xb2-160k_ade20k-512x512.py',
    '../_base_/up-g_metanet-b4.py',
]

model = dict(backbone={{_base_.up_g_metanet_b4_dense}})
