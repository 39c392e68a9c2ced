# EfficientNet-Lite1 with its real ImageNet-1k weights as the backbone under
# test of tools/gvb.py (see efficientnet-lite0.py).
_base_ = './efficientnet-lite0.py'

backbone = dict(model_name='tf_efficientnet_lite1')
checkpoint = 'mmintern://tf_efficientnet_lite1'
# Its four maps have Lite0's widths.
