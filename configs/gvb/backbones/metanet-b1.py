# MetaNet-B1 for GV-B: random initialisation unless a checkpoint is given
# (tools/gvb.py --checkpoint, e.g. an INTERN stage's output; prefix with
# --checkpoint-prefix: 'image_encoder.' for Up-A-G (DeCLIP), 'backbone.' for
# Up-A-L and the Up-E experts). Classification reads the stride-32 map
# through global average pooling, the map every stage trains (Up-A-L and
# the experts never build the 1280-d head).
backbone = dict(type='MetaNet', arch='b1')
checkpoint = None

pooled_out_indices = 5
pooled_channels = 192
pooled_needs_gap = True

dense_out_indices = (1, 2, 4, 5)
dense_channels = [32, 64, 96, 192]
