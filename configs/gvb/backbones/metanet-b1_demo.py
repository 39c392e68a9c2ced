# The backbone of `make demo`'s GV-B mini run: MetaNet-B1 as the demo's
# Faster R-CNN trained it on the synthetic shapes (work_dirs/demo), frozen.
# Classification reads the stride-32 map through global average pooling:
# the detector never built the 1280-d head, so every weight used is trained.
backbone = dict(type='MetaNet', arch='b1')
checkpoint = 'work_dirs/demo/iter_300.pth'

pooled_out_indices = 5
pooled_channels = 192
pooled_needs_gap = True

dense_out_indices = (1, 2, 4, 5)
dense_channels = [32, 64, 96, 192]
