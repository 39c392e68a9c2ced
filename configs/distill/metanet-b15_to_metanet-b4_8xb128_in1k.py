# INTERN's own recipe: MetaNet-B15's features distilled into MetaNet-B4
# (the paper's MN-B4 77.4 -> 82.2 ImageNet top-1 after fine-tuning), the
# pooled feature and the maps at strides 8, 16 and 32 at once. The teacher
# is a MetaNet-B15 backbone checkpoint of your own or the released one
# converted (tools/model_converters/metanet_to_mmintern.py), under
# backbone.*: set it with
#   --cfg-options model.teacher.init_cfg.checkpoint=checkpoints/mn-b15.pth
# A backbone has no classifier, so there is no logit term. On 8 GPUs
# (_base_/imagenet_8xb128.py):
#   bash tools/dist_train.sh configs/distill/metanet-b15_to_metanet-b4_8xb128_in1k.py 8
_base_ = ['./_base_/imagenet_8xb128.py']

model = dict(
    type='FeatureDistiller',
    teacher=dict(
        type='MetaNet', arch='b15', out_indices=(2, 4, 5),
        init_cfg=dict(type='Pretrained', checkpoint='checkpoints/mn-b15.pth',
                      prefix='backbone.')),
    # Outputs at strides 8, 16, 32 (128, 192, 384 channels).
    backbone=dict(type='MetaNet', arch='b4', out_indices=(2, 4, 5)),
    # '' is the teacher itself: its last output (the stride-32 map) pooled.
    teacher_layers=dict(pooled='', s8='stages.2', s16='stages.4',
                        s32='stages.5'),
    pooled=dict(weight=1.0, loss='cosine', student=-1),
    dense=dict(weight=1.0, loss='cosine', student=dict(s8=0, s16=1, s32=2)),
    data_preprocessor=dict(type='ClsDataPreprocessor', to_rgb=True))
