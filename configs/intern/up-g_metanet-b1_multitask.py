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
default_scope = 'mmpretrain'
# The explicit modules register the model, its TrunkView, the generalist,
# the CIFAR-10 subset, the sampler, the transform and the stage hook even
# where mmintern's package __init__ files do not.
custom_imports = dict(
    imports=[
        'mmintern', 'mmintern.models.algorithms.multi_task_expert',
        'mmintern.models.backbones.trunk_view',
        'mmintern.models.backbones.generalist',
        'mmintern.datasets.class_folder_subset',
        'mmintern.datasets.multi_dataset_sampler',
        'mmintern.datasets.transforms.add_dataset_name',
        'mmintern.engine.hooks.load_stage_checkpoint_hook'
    ],
    allow_failed_imports=False)
# Three libraries in one config: every library-specific type carries its
# scope ('mmdet.Resize' moves boxes, mmcv's 'Resize' would not). A task
# model's inner types need none: MultiTaskExpert builds a task under the
# scope of its type.

data_root = '{{$INTERN_DATA_ROOT:../shared/data}}'
mean = [123.675, 116.28, 103.53]
std = [58.395, 57.12, 57.375]
metanet_b1 = dict(type='MetaNet', arch='b1')
# The files of each CIFAR-10 class folder the INTERN stages may train on.
upstream_files = (0, 100)  # mmintern.gvb.mini_suite.UPSTREAM_FILES
cifar10_classes = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog',
                   'frog', 'horse', 'ship', 'truck')
camvid_classes = ('Sky', 'Building', 'Pole', 'Road', 'Pavement', 'Tree',
                  'SignSymbol', 'Fence', 'Car', 'Pedestrian', 'Bicyclist')
camvid_ignore = 11  # "Unlabelled"

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
        # The Up-E(D) config's slim RetinaNet (see there).
        raccoon=dict(
            type='mmdet.RetinaNet',
            data_preprocessor=dict(
                type='DetDataPreprocessor', mean=mean, std=std,
                bgr_to_rgb=True, pad_size_divisor=32),
            neck=dict(
                type='FPN', in_channels=[64, 96, 192], out_channels=32,
                num_outs=3),
            bbox_head=dict(
                type='RetinaHead',
                num_classes=1,
                in_channels=32,
                stacked_convs=1,
                feat_channels=32,
                anchor_generator=dict(
                    type='AnchorGenerator',
                    octave_base_scale=3,
                    scales_per_octave=3,
                    ratios=[0.5, 1.0, 2.0],
                    strides=[8, 16, 32]),
                bbox_coder=dict(
                    type='DeltaXYWHBBoxCoder',
                    target_means=[.0, .0, .0, .0],
                    target_stds=[1.0, 1.0, 1.0, 1.0]),
                loss_cls=dict(
                    type='FocalLoss', use_sigmoid=True, gamma=2.0,
                    alpha=0.25, loss_weight=1.0),
                loss_bbox=dict(type='L1Loss', loss_weight=1.0)),
            train_cfg=dict(
                assigner=dict(
                    type='MaxIoUAssigner', pos_iou_thr=0.5, neg_iou_thr=0.4,
                    min_pos_iou=0, ignore_iof_thr=-1),
                sampler=dict(type='PseudoSampler'),
                allowed_border=-1,
                pos_weight=-1,
                debug=False),
            test_cfg=dict(
                nms_pre=500, min_bbox_size=0, score_thr=0.05,
                nms=dict(type='nms', iou_threshold=0.5), max_per_img=50)),
        # The Up-E(S) config's FCN head (see there).
        camvid=dict(
            type='mmseg.EncoderDecoder',
            data_preprocessor=dict(
                type='SegDataPreProcessor', mean=mean, std=std,
                bgr_to_rgb=True, pad_val=0, seg_pad_val=camvid_ignore,
                size_divisor=32),
            decode_head=dict(
                type='FCNHead',
                in_channels=[32, 64, 96, 192],
                in_index=[0, 1, 2, 3],
                input_transform='resize_concat',
                channels=64,
                num_convs=1,
                concat_input=False,
                dropout_ratio=0.1,
                num_classes=len(camvid_classes),
                norm_cfg=dict(type='BN', requires_grad=True),
                align_corners=False,
                ignore_index=camvid_ignore,
                loss_decode=dict(
                    type='CrossEntropyLoss', use_sigmoid=False,
                    loss_weight=1.0)),
            train_cfg=dict(),
            test_cfg=dict(mode='whole'))),
    # Classification on the stride-32 map only; detection on stride 8-32.
    outputs=dict(cifar10=(3, ), raccoon=(1, 2, 3), camvid=(0, 1, 2, 3)),
    loss_weights=dict(cifar10=1.0, raccoon=1.0, camvid=1.0))

cifar10 = dict(
    type='ClassFolderSubset',
    data_root=data_root + '/cifar10/test',
    classes=cifar10_classes,
    # Only files 0-99 of each class: 100-199 are the GV-B mini suite's
    # (mmintern.gvb.mini_suite), which no stage may train on.
    file_range=upstream_files,
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
raccoon = dict(
    type='mmdet.VOCDataset',
    data_root=data_root + '/raccoon_voc/VOCdevkit/',
    ann_file='VOC_raccoon/ImageSets/Main/train.txt',
    data_prefix=dict(sub_data_root='VOC_raccoon/'),
    metainfo=dict(classes=('raccoon', )),
    filter_cfg=dict(filter_empty_gt=True),
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='mmdet.LoadAnnotations', with_bbox=True),
        dict(type='mmdet.Resize', scale=(128, 128), keep_ratio=True),
        dict(type='mmdet.RandomFlip', prob=0.5),
        dict(type='AddDatasetName', name='raccoon'),
        dict(type='mmdet.PackDetInputs',
             meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                        'scale_factor', 'flip', 'flip_direction',
                        'dataset')),
    ])
camvid = dict(
    type='mmseg.BaseSegDataset',
    data_root=data_root + '/camvid_seg/CamVid',
    data_prefix=dict(img_path='val', seg_map_path='valannot'),
    img_suffix='.png',
    seg_map_suffix='.png',
    metainfo=dict(classes=camvid_classes),
    ignore_index=camvid_ignore,
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='mmseg.LoadAnnotations'),
        dict(type='mmseg.Resize', scale=(128, 96), keep_ratio=True),
        dict(type='mmseg.RandomFlip', prob=0.5),
        dict(type='AddDatasetName', name='camvid'),
        dict(type='mmseg.PackSegInputs',
             meta_keys=('img_path', 'seg_map_path', 'ori_shape',
                        'img_shape', 'pad_shape', 'scale_factor', 'flip',
                        'flip_direction', 'reduce_zero_label', 'dataset')),
    ])

batch_size = 2
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=0,
    persistent_workers=False,
    # Every batch from one dataset (the same one on every rank), the three
    # tasks drawn 1:1:1; its batch_size must be the DataLoader's.
    sampler=dict(
        type='RatioMultiDatasetSampler', batch_size=batch_size,
        ratios=[1, 1, 1]),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(
        type='ConcatDataset',
        datasets=[cifar10, raccoon, camvid],
        # Three tasks: their metainfo differs by design.
        ignore_keys=['classes', 'palette', 'dataset_type', 'label_map',
                     'reduce_zero_label']))

# The frozen experts have requires_grad=False: the optimizer skips them.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05),
    clip_grad=dict(max_norm=5.0))
param_scheduler = [dict(type='CosineAnnealingLR', T_max=20, by_epoch=False)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=20)
val_cfg = None
val_dataloader = None
val_evaluator = None
test_cfg = None
test_dataloader = None
test_evaluator = None

# One hook per source stage; `stage` is the config name (no .py) of the
# earlier pipeline stage whose final checkpoint the pipeline gives it. Each
# mapping keeps only its stage's `backbone.*` and places it: Up-A-L's
# encoder is the trunk; the experts' trunks (MultiHeadClassifier's and
# MultiTaskExpert's `backbone.`) are the image / patch / pixel branches.
# The fusions are not in any checkpoint: they start at zero, so training
# starts as the trunk alone.
custom_hooks = [
    dict(
        type='LoadStageCheckpointHook',
        stage='up-a-l_metanet-b1_flickr8k',
        checkpoint=None,
        mapping={'backbone.': 'backbone.trunk.'}),
    dict(
        type='LoadStageCheckpointHook',
        stage='up-e-c_metanet-b1_cifar10',
        checkpoint=None,
        mapping={'backbone.': 'backbone.experts.image.'}),
    dict(
        type='LoadStageCheckpointHook',
        stage='up-e-d_metanet-b1_raccoon-shapes',
        checkpoint=None,
        mapping={'backbone.': 'backbone.experts.patch.'}),
    dict(
        type='LoadStageCheckpointHook',
        stage='up-e-s_metanet-b1_camvid-shapes',
        checkpoint=None,
        mapping={'backbone.': 'backbone.experts.pixel.'}),
]

# Under DDP, the other tasks' necks and heads get no gradient in a step.
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel', find_unused_parameters=True)
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=5),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=20),
    sampler_seed=dict(type='DistSamplerSeedHook'))
env_cfg = dict(cudnn_benchmark=False, dist_cfg=dict(backend='gloo'))
log_processor = dict(by_epoch=False)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0)
