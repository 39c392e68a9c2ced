# INTERN Up-G, the generalist: an UpGGeneralist backbone (a MetaNet-B1 trunk
# plus frozen image / patch / pixel MetaNet-B1 experts fused into its
# outputs) trained on three tasks at once, one task model each: CIFAR-10
# classification (files 0-99 of each class of the JPEG extract, the part
# stages may train on), raccoon detection (160 VOC images) and CamVid
# segmentation (101 images), every batch from one dataset. Its weights
# come from the earlier stages: the trunk from Up-A-L, the experts from the
# Up-E(C), Up-E(D) and Up-E(S) experts' trunks. A tiny CPU schedule that
# checks the whole loop (four stage checkpoints, three libraries' task
# models, routing, optimizer), not a recipe for a real generalist.
# Data root: $INTERN_DATA_ROOT (default ../shared/data, relative to the
# working directory). Run: python tools/train.py THIS_FILE --cfg-options
# custom_hooks.0.checkpoint=<Up-A-L> custom_hooks.1.checkpoint=<Up-E(C)>
# custom_hooks.2.checkpoint=<Up-E(D)> custom_hooks.3.checkpoint=<Up-E(S)>
# (their final checkpoints; tools/intern_pipeline.py sets them by stage).
_base_ = [
    './_base_/stage_runtime.py', './_base_/multi_dataset.py',
    './_base_/datasets/cifar10_extract.py', './_base_/datasets/raccoon_voc.py',
    './_base_/datasets/camvid.py', './_base_/tasks/slim_models.py'
]

default_scope = 'mmpretrain'
custom_imports = dict(imports=['mmintern'], allow_failed_imports=False)
# Three libraries in one config: every library-specific type carries its
# scope ('mmdet.Resize' moves boxes, mmcv's 'Resize' would not). A task
# model's inner types need none: MultiTaskExpert builds a task under the
# scope of its type.

mean = _base_.imagenet_mean
std = _base_.imagenet_std
metanet_b1 = dict(type='MetaNet', arch='b1')
cifar10_classes = _base_.cifar10_classes
fcn = _base_.slim_fcn
retinanet = _base_.slim_retinanet

model = dict(
    type='MultiTaskExpert',
    # Outputs: stride 4, 8, 16, 32 maps, channels 32, 64, 96, 192.
    backbone=dict(
        type='UpGGeneralist',
        trunk=metanet_b1,
        experts=dict(image=metanet_b1, patch=metanet_b1, pixel=metanet_b1),
        out_indices=(1, 2, 4, 5)),
    tasks=dict(
        cifar10=dict(
            type='mmpretrain.ImageClassifier',
            data_preprocessor=dict(
                type='ClsDataPreprocessor',
                num_classes=len(cifar10_classes),
                # ImageNet statistics, as the other tasks: the trunk and
                # the experts see one normalisation.
                mean=mean,
                std=std,
                to_rgb=True),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(
                type='LinearClsHead',
                num_classes=len(cifar10_classes),
                in_channels=192,
                loss=dict(type='CrossEntropyLoss', loss_weight=1.0))),
        # The Up-E(D) expert's slim RetinaNet and the Up-E(S) expert's slim
        # FCN (_base_/tasks/).
        raccoon=dict(
            retinanet, bbox_head=dict(retinanet.bbox_head, num_classes=1)),
        camvid=dict(
            fcn,
            data_preprocessor=dict(
                fcn.data_preprocessor, seg_pad_val=_base_.camvid_ignore),
            decode_head=dict(
                fcn.decode_head, num_classes=len(_base_.camvid_classes),
                ignore_index=_base_.camvid_ignore))),
    # Classification on the stride-32 map only; detection on stride 8-32.
    outputs=dict(cifar10=(3, ), raccoon=(1, 2, 3), camvid=(0, 1, 2, 3)),
    loss_weights=dict(cifar10=1.0, raccoon=1.0, camvid=1.0))

cifar10 = dict(
    type='ClassFolderSubset',
    data_root=_base_.cifar10_root,
    classes=cifar10_classes,
    # Only the files stages may train on (_base_/datasets/cifar10_extract).
    file_range=_base_.cifar10_upstream_files,
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='mmpretrain.Resize', scale=(64, 64)),  # 32 px originals
        dict(type='mmpretrain.RandomFlip', prob=0.5,
             direction='horizontal'),
        dict(type='AddDatasetName', name='cifar10'),
        dict(type='mmpretrain.PackInputs',
             meta_keys=('img_path', 'ori_shape', 'img_shape', 'flip',
                        'dataset')),
    ])
raccoon = _base_.raccoon_train
camvid = _base_.camvid_train

# The three tasks drawn 1:1:1.
train_dataloader = dict(
    sampler=dict(ratios=[1, 1, 1]),
    dataset=dict(datasets=[cifar10, raccoon, camvid]))

# The frozen experts have requires_grad=False: the optimizer skips them.

# One hook per source stage; `stage` is the config name (no .py) of the
# earlier pipeline stage whose final checkpoint the pipeline gives it. Each
# mapping keeps only its stage's `backbone.*` and places it: Up-A-L's
# encoder is the trunk; the experts' trunks (MultiHeadClassifier's and
# MultiTaskExpert's `backbone.`) are the image / patch / pixel branches.
# The fusions are not in any checkpoint: they start at zero, so training
# starts as the trunk alone. Source stage -> where its `backbone.*` goes:
stage_sources = (
    ('up-a-l_metanet-b1_flickr8k', 'backbone.trunk.'),
    ('up-e-c_metanet-b1_cifar10', 'backbone.experts.image.'),
    ('up-e-d_metanet-b1_raccoon-shapes', 'backbone.experts.patch.'),
    ('up-e-s_metanet-b1_camvid-shapes', 'backbone.experts.pixel.'),
)
custom_hooks = [
    dict(type='LoadStageCheckpointHook', stage=stage, checkpoint=None,
         mapping={'backbone.': target}) for stage, target in stage_sources
] + [
    # The three task models start from scratch: for the first 5 iterations
    # they (and the zero-initialised fusions) learn on the frozen trunk, so
    # their random first gradients do not disturb the Up-A-L weights.
    dict(
        type='FreezeScheduleHook',
        schedule=[
            dict(iter=0, freeze=['backbone.trunk']),
            dict(iter=5, unfreeze=['backbone.trunk']),
        ]),
]
