# ImageNet mean / std of RGB pixels on the 0-255 scale: the normalisation of
# every model here (mmpretrain, mmdet and mmseg use the same numbers).
imagenet_mean = [123.675, 116.28, 103.53]
imagenet_std = [58.395, 57.12, 57.375]
