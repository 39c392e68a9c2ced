# GV-B VOC2012: semantic segmentation, 21 classes (20 + background); train
# on train_aug (VOC2012 train with the SBD masks, 10582 images), test on
# VOC2012 val (1449 images), mIoU.
# Data: VOC2012 from http://host.robots.ox.ac.uk/pascal/VOC/voc2012/
# (VOCtrainval_11-May-2012.tar) and SBD from
# http://home.bharathh.info/pubs/codes/SBD/download.html, converted as
# mmseg's docs describe (tools/dataset_converters/voc_aug.py writes
# SegmentationClassAug/ and ImageSets/Segmentation/aug.txt), in
# {gvb_root}/voc2012/ as:
#   voc2012/VOCdevkit/VOC2012/JPEGImages/<id>.jpg
#   voc2012/VOCdevkit/VOC2012/SegmentationClass/<id>.png      (train, val)
#   voc2012/VOCdevkit/VOC2012/SegmentationClassAug/<id>.png   (train_aug)
#   voc2012/VOCdevkit/VOC2012/ImageSets/Segmentation/{train,val,aug}.txt
# Training reads train.txt (SegmentationClass masks) + aug.txt
# (SegmentationClassAug masks), as mmseg's pascal_voc12_aug config does.
_base_ = [
    '../_base_/segmentation_deeplabv3.py',
    '../_base_/schedules/segmentation_20k.py'
]

gvb_root = _base_.gvb_root
data_root = gvb_root + '/voc2012/VOCdevkit/VOC2012'
gvb = dict(dataset='voc2012', metric_keys=dict(mIoU='mIoU'))

model = dict(
    decode_head=dict(num_classes=21), auxiliary_head=dict(num_classes=21))

crop_size = (512, 512)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='CheckSegMap', num_classes=21, ignore_index=255),
    dict(type='RandomResize', scale=(2048, 512), ratio_range=(0.5, 2.0),
         keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 512), keep_ratio=True),
    # After Resize: mIoU is computed on the original-size masks.
    dict(type='LoadAnnotations'),
    dict(type='CheckSegMap', num_classes=21, ignore_index=255),
    dict(type='PackSegInputs'),
]
voc_train = dict(
    type='PascalVOCDataset', data_root=data_root, pipeline=train_pipeline)
train_dataloader = dict(
    dataset=dict(
        dataset=dict(
            type='ConcatDataset',
            datasets=[
                dict(**voc_train,
                     data_prefix=dict(img_path='JPEGImages',
                                      seg_map_path='SegmentationClass'),
                     ann_file='ImageSets/Segmentation/train.txt'),
                dict(**voc_train,
                     data_prefix=dict(img_path='JPEGImages',
                                      seg_map_path='SegmentationClassAug'),
                     ann_file='ImageSets/Segmentation/aug.txt'),
            ])))
val_dataloader = dict(
    dataset=dict(
        type='PascalVOCDataset',
        data_root=data_root,
        data_prefix=dict(img_path='JPEGImages',
                         seg_map_path='SegmentationClass'),
        ann_file='ImageSets/Segmentation/val.txt',
        pipeline=test_pipeline))
test_dataloader = val_dataloader

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator',
    metrics=_base_.val_evaluator, gvb=gvb)
