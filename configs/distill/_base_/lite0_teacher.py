# The EfficientNet-Lite teacher of the distillation recipes, with its real
# ImageNet weights (mmintern://), and the three terms at once: the pooled
# 1280-d feature (cosine), the maps at strides 8, 16 and 32 (cosine per
# location, 1x1 connectors, the student map resized to the teacher's grid)
# and the ImageNet logits (KL, tau 1). The model is
# configs/efficientnet_lite/tf-efficientnet-lite0_8xb32_in1k.py's; Lite1 /
# Lite2 change model.teacher.backbone.model_name and the checkpoint (their
# blocks 2, 4 and 6 end at the same strides). Each recipe sets the student
# (model.backbone).
model = dict(
    type='FeatureDistiller',
    teacher=dict(
        type='mmpretrain.ImageClassifier',
        backbone=dict(type='mmpretrain.TIMMBackbone',
                      model_name='tf_efficientnet_lite0'),
        neck=dict(type='mmpretrain.GlobalAveragePooling'),
        head=dict(type='mmpretrain.LinearClsHead', num_classes=1000,
                  in_channels=1280),
        init_cfg=dict(type='Pretrained',
                      checkpoint='mmintern://tf_efficientnet_lite0')),
    teacher_layers=dict(
        pooled='neck', logits='head.fc',
        s8='backbone.timm_model.blocks.2',
        s16='backbone.timm_model.blocks.4',
        s32='backbone.timm_model.blocks.6'),
    pooled=dict(weight=1.0, loss='cosine', student=-1),
    dense=dict(weight=1.0, loss='cosine', student=dict(s8=0, s16=1, s32=2)),
    # The 1000-class KL starts near 5.6, the cosines near 0.8: 0.2 keeps the
    # three terms of one size.
    logits=dict(weight=0.2, tau=1.0),
    # The TF weights want [-1, 1] inputs; the student ImageNet's statistics
    # (FeatureDistiller's default).
    teacher_mean=(127.5, 127.5, 127.5),
    teacher_std=(127.5, 127.5, 127.5),
    data_preprocessor=dict(type='ClsDataPreprocessor', to_rgb=True))
