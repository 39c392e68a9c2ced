# GV-B CityPersons: pedestrian detection, 1 class; train on the 2975
# Cityscapes train images, test on the 500 val images; log-average miss rate
# MR^-2 of the Reasonable and Heavy occlusion settings (lower is better,
# mmintern's CityPersonsMissRate). `pedestrian` is the class; rider,
# sitting person, person (other), person group and ignore are ignore regions.
# Data: https://www.cityscapes-dataset.com (leftImg8bit_trainvaltest.zip,
# gtBboxCityPersons_trainval.zip), unpacked into {gvb_root}/citypersons/:
#   citypersons/leftImg8bit/{train,val}/<city>/<image>_leftImg8bit.png
#   citypersons/gtBboxCityPersons/{train,val}/<city>/
#       <image>_gtBboxCityPersons.json
# GV-B trains 60 epochs; images at their full 2048x1024 (small pedestrians
# need it).
_base_ = [
    '../_base_/detection_faster_rcnn.py',
    '../_base_/schedules/detection_60e.py'
]

gvb_root = _base_.gvb_root
data_root = gvb_root + '/citypersons/'
gvb = dict(
    dataset='citypersons',
    metric_keys=dict(
        MR_Reasonable='citypersons/MR_Reasonable',
        MR_Heavy='citypersons/MR_Heavy'))

model = dict(
    roi_head=dict(bbox_head=dict(num_classes=1)),
    test_cfg=dict(rcnn=dict(score_thr=0.01, max_per_img=200)))

img_scale = (2048, 1024)
train_pipeline = [
    dict(type='LoadImageFromFile', backend_args=None),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile', backend_args=None),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True),
    # Visibility travels to CityPersonsMissRate as gt_instances.visibility;
    # ignore regions land in ignored_instances.
    dict(type='PackGVBDetInputs',
         extra_fields=('visibility', ),
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor')),
]
train_dataloader = dict(
    dataset=dict(
        dataset=dict(
            type='CityPersonsDataset',
            data_root=data_root,
            data_prefix=dict(img='leftImg8bit/train',
                             ann='gtBboxCityPersons/train'),
            filter_cfg=dict(filter_empty_gt=True),
            pipeline=train_pipeline)))
val_dataloader = dict(
    dataset=dict(
        type='CityPersonsDataset',
        data_root=data_root,
        data_prefix=dict(img='leftImg8bit/val', ann='gtBboxCityPersons/val'),
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='CityPersonsMissRate',
                     settings=('Reasonable', 'Heavy'))

# The schedule: 60 epochs of the split (schedules/detection_60e.py), a
# share of the training images that hold a pedestrian (the others are
# filtered out first).

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    type='mmintern.GVBEvaluator', metrics=val_evaluator, gvb=gvb)
