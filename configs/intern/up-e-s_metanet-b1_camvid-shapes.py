# INTERN Up-E(S), the segmentation expert: one MetaNet-B1 trunk shared by
# two segmentors, one per dataset (the 101 CamVid images of the shared
# extract and the synthetic shapes label maps), every batch from one
# dataset, started from the Up-A-L stage's backbone: a tiny CPU schedule
# that checks the whole loop (stage checkpoint, two datasets, routing,
# optimizer), not a recipe for a real expert.
# Data roots: $INTERN_DATA_ROOT (default ../shared/data, relative to the
# working directory) and $INTERN_SHAPES_SEG_ROOT (default
# data/intern/shapes_seg), written by
# mmintern.datasets.synthetic_shapes_seg.write_shapes_seg(root,
# dict(train=64, val=16), seed=0). Run: python tools/train.py THIS_FILE
# --cfg-options custom_hooks.0.checkpoint=<Up-A-L final checkpoint>
# (tools/intern_pipeline.py sets it).
default_scope = 'mmseg'
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
shapes_root = '{{$INTERN_SHAPES_SEG_ROOT:data/intern/shapes_seg}}'
# CamVid (SegNet's 11 classes); its label 11 is "Unlabelled", ignored.
camvid_classes = ('Sky', 'Building', 'Pole', 'Road', 'Pavement', 'Tree',
                  'SignSymbol', 'Fence', 'Car', 'Pedestrian', 'Bicyclist')
camvid_ignore = 11
shapes_classes = ('background', 'square', 'circle', 'triangle')


def _segmentor(num_classes, ignore_index):
    # A complete mmseg segmentor config, less its backbone: MultiTaskExpert
    # gives it a view of the shared trunk. FCNHead over the four trunk
    # maps resized to stride 4 and concatenated (32+64+96+192 channels),
    # one 3x3 conv of 64: the lightest head that still sees every scale.
    return dict(
        type='EncoderDecoder',
        data_preprocessor=dict(
            type='SegDataPreProcessor',
            mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375],
            bgr_to_rgb=True,
            pad_val=0,
            seg_pad_val=ignore_index,
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
            num_classes=num_classes,
            norm_cfg=dict(type='BN', requires_grad=True),
            align_corners=False,
            ignore_index=ignore_index,
            loss_decode=dict(
                type='CrossEntropyLoss', use_sigmoid=False,
                loss_weight=1.0)),
        train_cfg=dict(),
        test_cfg=dict(mode='whole'))


model = dict(
    type='MultiTaskExpert',
    # MetaNet-B1's stride 4, 8, 16, 32 maps (channels 32, 64, 96, 192).
    backbone=dict(type='MetaNet', arch='b1', out_indices=(1, 2, 4, 5)),
    tasks=dict(
        camvid=_segmentor(len(camvid_classes), camvid_ignore),
        shapes=_segmentor(len(shapes_classes), 255)),
    loss_weights=dict(camvid=1.0, shapes=1.0))

# 'dataset' in meta_keys: MultiTaskExpert routes a batch by it.
meta_keys = ('img_path', 'seg_map_path', 'ori_shape', 'img_shape',
             'pad_shape', 'scale_factor', 'flip', 'flip_direction',
             'reduce_zero_label', 'dataset')


def _pipeline(name, scale):
    return [
        dict(type='LoadImageFromFile'),
        dict(type='LoadAnnotations'),
        dict(type='Resize', scale=scale, keep_ratio=True),
        dict(type='RandomFlip', prob=0.5),
        dict(type='AddDatasetName', name=name),
        dict(type='PackSegInputs', meta_keys=meta_keys),
    ]


camvid = dict(
    type='BaseSegDataset',
    data_root=data_root + '/camvid_seg/CamVid',
    # No ann_file: every image of val/ (480x360, to 128x96).
    data_prefix=dict(img_path='val', seg_map_path='valannot'),
    img_suffix='.png',
    seg_map_suffix='.png',
    metainfo=dict(classes=camvid_classes),
    ignore_index=camvid_ignore,
    pipeline=_pipeline('camvid', (128, 96)))
shapes = dict(
    type='BaseSegDataset',
    data_root=shapes_root,
    data_prefix=dict(img_path='img_dir/train', seg_map_path='ann_dir/train'),
    img_suffix='.png',
    seg_map_suffix='.png',
    metainfo=dict(classes=shapes_classes),
    pipeline=_pipeline('shapes', (96, 96)))

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
        datasets=[camvid, shapes],
        # The datasets' classes differ by design (one head each).
        ignore_keys=['classes', 'palette', 'label_map']))

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

# Under DDP, the other dataset's head gets no gradient in a step.
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
