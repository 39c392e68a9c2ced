# EfficientNet-Lite1 with its real ImageNet-1k weights (see the Lite0 config):
#   python tools/test.py \
#       configs/efficientnet_lite/tf-efficientnet-lite1_8xb32_in1k.py \
#       mmintern://tf_efficientnet_lite1
_base_ = './tf-efficientnet-lite0_8xb32_in1k.py'

model = dict(backbone=dict(model_name='tf_efficientnet_lite1'))

# timm's evaluation transform for this model: 240 px, crop_pct 0.882.
image_size = 240
resize_edge = 272
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=resize_edge, edge='short',
         backend='pillow', interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=image_size),
    dict(type='PackInputs'),
]
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=image_size, interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
