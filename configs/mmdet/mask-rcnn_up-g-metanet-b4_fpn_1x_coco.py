# Mask R-CNN + FPN on COCO (mmdet) with the Up-G generalist of MetaNet-B4
# branches as its backbone: the MetaNet-B4 config with the backbone swapped.
_base_ = [
    './mask-rcnn_metanet-b4_fpn_1x_coco.py',
    '../_base_/up-g_metanet-b4.py',
]

model = dict(backbone={{_base_.up_g_metanet_b4_dense}})
