# INTERN Up-E(D), the detection expert: one MetaNet-B1 trunk shared by two
# detectors, one per dataset (the 160 raccoon VOC training images and the
# synthetic shapes), every batch from one dataset, started from the Up-A-L
# stage's backbone: a tiny CPU schedule that checks the whole loop (stage
# checkpoint, two datasets, routing, optimizer), not a recipe for a real
# expert.
# Data roots: $INTERN_DATA_ROOT (default ../shared/data, relative to the
# working directory) and $INTERN_SHAPES_ROOT (default data/intern/shapes),
# written by mmintern.datasets.write_shapes_coco(root, dict(train=64,
# val=16), seed=0). Run: python tools/train.py THIS_FILE --cfg-options
# custom_hooks.0.checkpoint=<Up-A-L final checkpoint>
# (tools/intern_pipeline.py sets it).
default_scope = 'mmdet'
# The explicit modules register the model, its TrunkView, the sampler, the
# transform and the stage hook even where mmintern's package __init__ files
# do not.
custom_imports = dict(
    imports=[
        'mmintern', 'mmintern.models.algorithms.multi_task_expert',
        'mmintern.models.backbones.trunk_view',
        'mmintern.datasets.multi_dataset_sampler',
        'mmintern.datasets.transforms.add_dataset_name',
        'mmintern.engine.hooks.load_stage_checkpoint_hook'
    ],
    allow_failed_imports=False)

data_root = '{{$INTERN_DATA_ROOT:../shared/data}}'
shapes_root = '{{$INTERN_SHAPES_ROOT:data/intern/shapes}}'
img_scale = (128, 128)

# RetinaNet, slimmed: single-stage, so no RoI ops (mmcv's CPU RoIAlign is
# the slow, fragile part of a two-stage detector on CPU), and its tower
# depth (stacked_convs) and width (feat_channels) shrink freely. Anchors
# are sized for 128-px images: octave_base_scale 3 at strides 8/16/32 spans
# 24 to 152 px, the shapes (21-51 px) and raccoons (most of the image).
# FCOS would need its pixel regress_ranges re-tuned the same way, and adds
# GroupNorm and a centerness branch for nothing at this scale.
retina_head = dict(
    type='RetinaHead',
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
        type='FocalLoss', use_sigmoid=True, gamma=2.0, alpha=0.25,
        loss_weight=1.0),
    loss_bbox=dict(type='L1Loss', loss_weight=1.0))
# A complete mmdet detector config, less its backbone: MultiTaskExpert
# gives it a view of the shared trunk.
retinanet = dict(
    type='RetinaNet',
    data_preprocessor=dict(
        type='DetDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_size_divisor=32),
    # The trunk's stride-8/16/32 maps (MetaNet-B1 widths 64, 96, 192):
    # outputs=(1, 2, 3) below.
    neck=dict(
        type='FPN', in_channels=[64, 96, 192], out_channels=32, num_outs=3),
    train_cfg=dict(
        assigner=dict(
            type='MaxIoUAssigner', pos_iou_thr=0.5, neg_iou_thr=0.4,
            min_pos_iou=0, ignore_iof_thr=-1),
        sampler=dict(type='PseudoSampler'),  # focal loss: no sampling
        allowed_border=-1,
        pos_weight=-1,
        debug=False),
    test_cfg=dict(
        nms_pre=500, min_bbox_size=0, score_thr=0.05,
        nms=dict(type='nms', iou_threshold=0.5), max_per_img=50))

model = dict(
    type='MultiTaskExpert',
    # MetaNet-B1's stride 4, 8, 16, 32 maps (channels 32, 64, 96, 192).
    backbone=dict(type='MetaNet', arch='b1', out_indices=(1, 2, 4, 5)),
    tasks=dict(
        raccoon=dict(retinanet, bbox_head=dict(retina_head, num_classes=1)),
        shapes=dict(retinanet, bbox_head=dict(retina_head, num_classes=3))),
    outputs=dict(raccoon=(1, 2, 3), shapes=(1, 2, 3)),
    loss_weights=dict(raccoon=1.0, shapes=1.0))

# 'dataset' in meta_keys: MultiTaskExpert routes a batch by it.
meta_keys = ('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor',
             'flip', 'flip_direction', 'dataset')


def _pipeline(name):
    return [
        dict(type='LoadImageFromFile'),
        dict(type='LoadAnnotations', with_bbox=True),
        dict(type='Resize', scale=img_scale, keep_ratio=True),
        dict(type='RandomFlip', prob=0.5),
        dict(type='AddDatasetName', name=name),
        dict(type='PackDetInputs', meta_keys=meta_keys),
    ]


raccoon = dict(
    type='VOCDataset',
    data_root=data_root + '/raccoon_voc/VOCdevkit/',
    ann_file='VOC_raccoon/ImageSets/Main/train.txt',
    data_prefix=dict(sub_data_root='VOC_raccoon/'),
    metainfo=dict(classes=('raccoon', )),
    filter_cfg=dict(filter_empty_gt=True),
    pipeline=_pipeline('raccoon'))
shapes = dict(
    type='CocoDataset',
    data_root=shapes_root + '/',
    ann_file='annotations/train.json',
    data_prefix=dict(img='train/'),
    metainfo=dict(classes=('square', 'circle', 'triangle')),
    filter_cfg=dict(filter_empty_gt=True),
    pipeline=_pipeline('shapes'))

batch_size = 2
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=0,
    persistent_workers=False,
    # Every batch from one dataset (the same one on every rank), drawn
    # 1:1; its batch_size must be the DataLoader's.
    sampler=dict(
        type='RatioMultiDatasetSampler', batch_size=batch_size,
        ratios=[1, 1]),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(
        type='ConcatDataset',
        datasets=[raccoon, shapes],
        # The datasets' classes differ by design (one head each); VOC also
        # has a dataset_type that COCO lacks.
        ignore_keys=['classes', 'palette', 'dataset_type']))

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

# Start from the Up-A-L stage: its backbone (`backbone.*`) is the trunk.
# Keys it has and this trunk lacks (a head it built) are reported as not
# in the model.
custom_hooks = [
    dict(
        type='LoadStageCheckpointHook',
        stage='up-a-l_metanet-b1_flickr8k',
        checkpoint=None,
        mapping={'backbone.': 'backbone.'})
]

# Under DDP, the other dataset's neck and head get no gradient in a step.
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
