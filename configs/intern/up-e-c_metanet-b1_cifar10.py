# INTERN Up-E(C), the classification expert, with a MetaNet-B1 backbone and
# ONE head shared through the GV-D label system (MultiHeadClassifier with
# share_classes): classes that two datasets label alike share one output.
#
# MECHANISM CHECK, NOT A REAL SECOND DATASET. The only classification images
# available offline are the CIFAR-10 test extract (200 JPEGs per class), so
# both "datasets" are made from its files 0-99 of each class (files 100-199
# are the GV-B mini suite's, mmintern.gvb.mini_suite, which no stage may
# train on), cut into two disjoint halves (ClassFolderSubset, part 0 / part
# 1 of 2, same seed):
#   * 'cifar10': half 0, CIFAR-10's ten class names and order;
#   * 'stl10_standin': half 1, named the way STL-10 names the same things
#     (CIFAR's 'automobile' folder is STL-10's 'car') and only STL-10's
#     classes that CIFAR-10 has images of: no 'frog' (not in STL-10) and no
#     'monkey' (no CIFAR-10 images). STL-10's label order, monkey dropped.
# The label system maps 'automobile' (a synonym) and 'car' (exact) to the
# concept 'car', so all 9 stl10_standin classes share a column with a
# cifar10 class and cifar10's 'frog' has its own: 10 columns. It checks
# routing, sharing and the loss on real images; its numbers say nothing
# about CIFAR-10 or STL-10 accuracy.
#
# A tiny CPU schedule (20 iterations) from the Up-A-L stage's backbone.
# Data root: $INTERN_DATA_ROOT (default ../shared/data, relative to the
# working directory). Run: python tools/train.py THIS_FILE --cfg-options
# custom_hooks.0.checkpoint=<Up-A-L final checkpoint>
# (tools/intern_pipeline.py sets it).
_base_ = [
    './_base_/stage_runtime.py', './_base_/multi_dataset.py',
    './_base_/from_up_a_l.py', './_base_/datasets/cifar10_extract.py'
]

default_scope = 'mmpretrain'
custom_imports = dict(imports=['mmintern'], allow_failed_imports=False)

data_root = _base_.cifar10_root
img_size = 64
batch_size = 8

# Only the files stages may train on (_base_/datasets/cifar10_extract.py).
upstream_files = _base_.cifar10_upstream_files
cifar10_classes = _base_.cifar10_classes
stl10_classes = ('airplane', 'bird', 'car', 'cat', 'deer', 'dog', 'horse',
                 'ship', 'truck')

model = dict(
    type='MultiHeadClassifier',
    # Stage output 5 (stride 32, 192 channels), average-pooled: the stages
    # Up-A-L's checkpoint holds. Not out_indices=-1: its 1x1 head to 1280
    # is trained by neither Up-A-G's encoder nor Up-A-L (out_indices=(4,)
    # there builds no head), so it would start random here.
    backbone=dict(type='MetaNet', arch='b1', out_indices=(5, )),
    classes=dict(cifar10=cifar10_classes, stl10_standin=stl10_classes),
    share_classes=True,  # exact and synonym matches share a column
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        mean=[125.307, 122.961, 113.8575],  # CIFAR-10's, as in mmpretrain
        std=[51.5865, 50.847, 51.255],
        to_rgb=True))

# The same augmentation for both; each dataset then tags its samples with
# its name, by which the model routes them to that dataset's columns.
augment = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=img_size, crop_ratio_range=(0.5, 1.),
         backend='pillow'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
pack = dict(type='PackInputs', meta_keys=['img_path', 'dataset'])
cifar10_pipeline = augment + [
    dict(type='AddDatasetName', name='cifar10'), pack
]
stl10_pipeline = augment + [
    dict(type='AddDatasetName', name='stl10_standin'), pack
]

train_dataloader = dict(
    batch_size=batch_size,
    sampler=dict(batch_size=batch_size, ratios=[1, 1]),
    collate_fn=dict(type='default_collate'),
    dataset=dict(datasets=[
        dict(type='ClassFolderSubset', data_root=data_root,
             classes=cifar10_classes, part=0, num_parts=2, seed=0,
             file_range=upstream_files, pipeline=cifar10_pipeline),
        dict(type='ClassFolderSubset', data_root=data_root,
             classes=stl10_classes, folders=dict(car='automobile'),
             part=1, num_parts=2, seed=0, file_range=upstream_files,
             pipeline=stl10_pipeline),
    ]))
