# EfficientNet-Lite0 -> MetaNet-B2: the B1 recipe (same data, terms and
# CPU schedule) with the wider student; the connectors take its widths.
_base_ = ['./efficientnet-lite0_to_metanet-b1_tinyimagenet.py']

model = dict(backbone=dict(arch='b2'))
