# ResNet-50 (mmpretrain, ImageNet-1k supervised) as the backbone under test
# of tools/gvb.py: the backbone of GV-B's `Up-A R50` reference row.
backbone = dict(type='mmpretrain.ResNet', depth=50)
# mmpretrain's resnet50_8xb32_in1k; the classifier keeps its backbone under
# `backbone.`.
checkpoint = ('https://download.openmmlab.com/mmclassification/v0/resnet/'
              'resnet50_8xb32_in1k_20210831-ea4938fc.pth')

# Classification: the last stage's map, globally average-pooled (ResNet
# returns maps, so the runner adds a GlobalAveragePooling neck).
pooled_out_indices = (3, )
pooled_channels = 2048
pooled_needs_gap = True

# Detection, segmentation, depth: the four stages, strides 4, 8, 16, 32.
dense_out_indices = (0, 1, 2, 3)
dense_channels = [256, 512, 1024, 2048]
