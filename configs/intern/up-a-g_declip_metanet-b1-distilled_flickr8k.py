# Up-A-G (up-a-g_declip_metanet-b1_flickr8k.py) with its image encoder
# started at the MetaNet-B1 that make distill writes (distilled from
# EfficientNet-Lite0's real ImageNet features, configs/distill/). The
# later stages start from it as from the plain Up-A-G:
#   python tools/intern_demo.py --from-distilled
# DeCLIP's pooling head, which the student has not got, keeps its
# initialisation (the load reports its keys as missing).
_base_ = ['./up-a-g_declip_metanet-b1_flickr8k.py']

model = dict(image_encoder=dict(init_cfg=dict(
    type='Pretrained', checkpoint='checkpoints/metanet-b1_distilled.pth',
    prefix='backbone.')))
