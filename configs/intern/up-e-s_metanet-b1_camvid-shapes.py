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
_base_ = [
    './_base_/stage_runtime.py', './_base_/multi_dataset.py',
    './_base_/from_up_a_l.py', './_base_/datasets/camvid.py',
    './_base_/tasks/slim_models.py'
]

default_scope = 'mmseg'
custom_imports = dict(imports=['mmintern'], allow_failed_imports=False)

shapes_root = '{{$INTERN_SHAPES_SEG_ROOT:data/intern/shapes_seg}}'
shapes_classes = ('background', 'square', 'circle', 'triangle')


def _segmentor(num_classes, ignore_index):
    # The slim FCN segmentor (_base_/tasks/slim_models.py) for one dataset.
    fcn = _base_.slim_fcn
    return dict(
        fcn,
        data_preprocessor=dict(
            fcn.data_preprocessor, seg_pad_val=ignore_index),
        decode_head=dict(
            fcn.decode_head, num_classes=num_classes,
            ignore_index=ignore_index))

model = dict(
    type='MultiTaskExpert',
    # MetaNet-B1's stride 4, 8, 16, 32 maps (channels 32, 64, 96, 192).
    backbone=dict(type='MetaNet', arch='b1', out_indices=(1, 2, 4, 5)),
    tasks=dict(
        camvid=_segmentor(len(_base_.camvid_classes), _base_.camvid_ignore),
        shapes=_segmentor(len(shapes_classes), 255)),
    loss_weights=dict(camvid=1.0, shapes=1.0))

# CamVid (_base_/datasets/camvid.py) and the synthetic shapes label maps,
# with the same pipeline at 96x96.
camvid = _base_.camvid_train
shapes = dict(
    type='BaseSegDataset',
    data_root=shapes_root,
    data_prefix=dict(img_path='img_dir/train', seg_map_path='ann_dir/train'),
    img_suffix='.png',
    seg_map_suffix='.png',
    metainfo=dict(classes=shapes_classes),
    pipeline=[
        dict(step, name='shapes') if step['type'] == 'AddDatasetName' else
        dict(step, scale=(96, 96)) if step['type'] == 'mmseg.Resize' else step
        for step in camvid.pipeline
    ])

train_dataloader = dict(
    sampler=dict(ratios=[1, 1]), dataset=dict(datasets=[camvid, shapes]))
