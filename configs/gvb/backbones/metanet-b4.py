# MetaNet-B4 (GV-A) as the backbone under test of tools/gvb.py.
# ImageNet weights: trained with configs/metanet/metanet-b4_8xb128_in1k.py,
# or the release converted with tools/model_converters/metanet_to_mmintern.py.
# The converted classifier keeps its backbone under `backbone.`.
backbone = dict(type='MetaNet', arch='b4')
checkpoint = 'checkpoints/metanet-b4_in1k.pth'

# Classification: the pooled 1x1-conv head vector (feature -1).
pooled_out_indices = -1
pooled_channels = 1280

# Detection, segmentation, depth: stage outputs 1, 2, 4, 5 have strides
# 4, 8, 16, 32.
dense_out_indices = (1, 2, 4, 5)
dense_channels = [64, 128, 192, 384]
