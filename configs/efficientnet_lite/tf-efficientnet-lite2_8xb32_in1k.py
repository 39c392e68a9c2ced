# EfficientNet-Lite2 with its real ImageNet-1k weights (see the Lite0 config):
#   python tools/test.py \
#       configs/efficientnet_lite/tf-efficientnet-lite2_8xb32_in1k.py \
#       mmintern://tf_efficientnet_lite2
_base_ = './tf-efficientnet-lite0_8xb32_in1k.py'

model = dict(backbone=dict(model_name='tf_efficientnet_lite2'))

# timm's evaluation transform for this model: 260 px, crop_pct 0.890.
test_pipeline = _base_.test_pipeline
test_pipeline[1].scale = 292  # ResizeEdge: 260 / 0.890
test_pipeline[2].crop_size = 260  # CenterCrop
train_pipeline = _base_.train_pipeline
train_pipeline[1].scale = 260  # RandomResizedCrop
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
