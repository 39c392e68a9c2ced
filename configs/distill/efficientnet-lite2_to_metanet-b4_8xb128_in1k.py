# EfficientNet-Lite2 (its real ImageNet weights, mmintern://) distilled into
# MetaNet-B4 on ImageNet-1k's training images, 8 GPUs x 128
# (_base_/imagenet_8xb128.py): the pooled 1280-d feature, the maps at
# strides 8, 16 and 32 and the ImageNet logits at once
# (_base_/lite0_teacher.py with Lite2's weights).
#   bash tools/dist_train.sh configs/distill/efficientnet-lite2_to_metanet-b4_8xb128_in1k.py 8
_base_ = ['./_base_/lite0_teacher.py', './_base_/imagenet_8xb128.py']

model = dict(
    teacher=dict(
        backbone=dict(model_name='tf_efficientnet_lite2'),
        init_cfg=dict(checkpoint='mmintern://tf_efficientnet_lite2')),
    # Outputs at strides 8, 16, 32 (128, 192, 384 channels).
    backbone=dict(type='MetaNet', arch='b4', out_indices=(2, 4, 5)))
