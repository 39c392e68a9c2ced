# GV-B VOC07+12: Pascal VOC detection, 20 classes; train on VOC2007 trainval
# + VOC2012 trainval (16551 images), test on VOC2007 test (4952 images),
# mAP at IoU 0.5 (11-point, the VOC2007 protocol).
# Data: http://host.robots.ox.ac.uk/pascal/VOC/ (VOCtrainval_06-Nov-2007.tar,
# VOCtest_06-Nov-2007.tar, VOCtrainval_11-May-2012.tar), unpacked into
# {gvb_root}/voc0712/ as:
#   voc0712/VOCdevkit/VOC2007/{Annotations,JPEGImages}/
#   voc0712/VOCdevkit/VOC2007/ImageSets/Main/{trainval,test}.txt
#   voc0712/VOCdevkit/VOC2012/{Annotations,JPEGImages}/
#   voc0712/VOCdevkit/VOC2012/ImageSets/Main/trainval.txt
_base_ = [
    '../_base_/detection_faster_rcnn.py',
    '../_base_/schedules/detection_12e.py'
]

gvb_root = _base_.gvb_root
data_root = gvb_root + '/voc0712/VOCdevkit/'
# mmdet's VOCMetric reports a fraction; GV-B's table is in percent.
gvb = dict(dataset='voc0712', metric_keys=dict(mAP='pascal_voc/mAP'),
           metric_scale=dict(mAP=100))

model = dict(roi_head=dict(bbox_head=dict(num_classes=20)))

img_scale = (1000, 600)
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
    # After Resize: the ground truth stays in original image coordinates.
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor')),
]
voc_train = dict(
    type='VOCDataset',
    data_root=data_root,
    filter_cfg=dict(filter_empty_gt=True, min_size=32, bbox_min_size=32),
    pipeline=train_pipeline)
train_dataloader = dict(
    dataset=dict(
        dataset=dict(
            type='ConcatDataset',
            # VOCDataset records VOC2007 / VOC2012 as `dataset_type`.
            ignore_keys=['dataset_type'],
            datasets=[
                dict(**voc_train,
                     ann_file='VOC2007/ImageSets/Main/trainval.txt',
                     data_prefix=dict(sub_data_root='VOC2007/')),
                dict(**voc_train,
                     ann_file='VOC2012/ImageSets/Main/trainval.txt',
                     data_prefix=dict(sub_data_root='VOC2012/')),
            ])))
val_dataloader = dict(
    dataset=dict(
        type='VOCDataset',
        data_root=data_root,
        ann_file='VOC2007/ImageSets/Main/test.txt',
        data_prefix=dict(sub_data_root='VOC2007/'),
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='VOCMetric', metric='mAP', eval_mode='11points')

# The schedule: 12 epochs of the `percentage`% subset, 16 images per
# optimizer step (schedules/detection_12e.py).

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    type='mmintern.GVBEvaluator', metrics=val_evaluator, gvb=gvb)
