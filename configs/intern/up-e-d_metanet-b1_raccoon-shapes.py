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
_base_ = [
    './_base_/stage_runtime.py', './_base_/multi_dataset.py',
    './_base_/from_up_a_l.py', './_base_/datasets/raccoon_voc.py',
    './_base_/tasks/slim_models.py'
]

default_scope = 'mmdet'
custom_imports = dict(imports=['mmintern'], allow_failed_imports=False)

shapes_root = '{{$INTERN_SHAPES_ROOT:data/intern/shapes}}'

# One slim RetinaNet per dataset (see _base_/tasks/slim_models.py).
retinanet = _base_.slim_retinanet
model = dict(
    type='MultiTaskExpert',
    # MetaNet-B1's stride 4, 8, 16, 32 maps (channels 32, 64, 96, 192).
    backbone=dict(type='MetaNet', arch='b1', out_indices=(1, 2, 4, 5)),
    tasks=dict(
        raccoon=dict(
            retinanet, bbox_head=dict(retinanet.bbox_head, num_classes=1)),
        shapes=dict(
            retinanet, bbox_head=dict(retinanet.bbox_head, num_classes=3))),
    # The RetinaNets read the stride-8/16/32 maps.
    outputs=dict(raccoon=(1, 2, 3), shapes=(1, 2, 3)),
    loss_weights=dict(raccoon=1.0, shapes=1.0))

# The raccoon set (_base_/datasets/raccoon_voc.py) and the synthetic shapes,
# with the same pipeline.
raccoon = _base_.raccoon_train
shapes = dict(
    type='CocoDataset',
    data_root=shapes_root + '/',
    ann_file='annotations/train.json',
    data_prefix=dict(img='train/'),
    metainfo=dict(classes=('square', 'circle', 'triangle')),
    filter_cfg=dict(filter_empty_gt=True),
    pipeline=[
        dict(step, name='shapes') if step['type'] == 'AddDatasetName'
        else step for step in raccoon.pipeline
    ])

train_dataloader = dict(
    sampler=dict(ratios=[1, 1]), dataset=dict(datasets=[raccoon, shapes]))
