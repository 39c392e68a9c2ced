# EfficientNet-Lite2 (its real ImageNet weights, mmintern://) distilled into
# MetaNet-B4 on ImageNet-1k's training images, 8 GPUs x 128
# (_base_/imagenet_8xb128.py): the pooled 1280-d feature, the maps at
# strides 8, 16 and 32 and the ImageNet logits at once.
#   bash tools/dist_train.sh configs/distill/efficientnet-lite2_to_metanet-b4_8xb128_in1k.py 8
_base_ = ['./_base_/imagenet_8xb128.py']

model = dict(
    type='FeatureDistiller',
    # configs/efficientnet_lite/tf-efficientnet-lite2_8xb32_in1k.py's model.
    teacher=dict(
        type='mmpretrain.ImageClassifier',
        backbone=dict(type='mmpretrain.TIMMBackbone',
                      model_name='tf_efficientnet_lite2'),
        neck=dict(type='mmpretrain.GlobalAveragePooling'),
        head=dict(type='mmpretrain.LinearClsHead', num_classes=1000,
                  in_channels=1280),
        init_cfg=dict(type='Pretrained',
                      checkpoint='mmintern://tf_efficientnet_lite2')),
    # Outputs at strides 8, 16, 32 (128, 192, 384 channels).
    backbone=dict(type='MetaNet', arch='b4', out_indices=(2, 4, 5)),
    # Lite2's blocks 2, 4 and 6 end at strides 8, 16 and 32.
    teacher_layers=dict(
        pooled='neck', logits='head.fc',
        s8='backbone.timm_model.blocks.2',
        s16='backbone.timm_model.blocks.4',
        s32='backbone.timm_model.blocks.6'),
    pooled=dict(weight=1.0, loss='cosine', student=-1),
    dense=dict(weight=1.0, loss='cosine', student=dict(s8=0, s16=1, s32=2)),
    logits=dict(weight=1.0, tau=1.0),
    teacher_mean=(127.5, 127.5, 127.5),
    teacher_std=(127.5, 127.5, 127.5),
    data_preprocessor=dict(type='ClsDataPreprocessor', to_rgb=True))
