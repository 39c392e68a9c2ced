# Your own dataset in GV-B, VOC style: the raccoon extract (one class, 160
# train / 40 val images, Pascal VOC xml), as tools/gvb.py's mini suite
# writes it (mmintern/gvb/mini_suite.py) into {gvb_root}/raccoon/:
#   raccoon/VOCdevkit/VOC_raccoon/{JPEGImages,Annotations}/
#   raccoon/VOCdevkit/VOC_raccoon/ImageSets/Main/{train,val}.txt
# Run: tools/gvb.py SPEC --datasets raccoon. Not a GV-B dataset: the table
# reports it under its own name, with no reference and no error reduction.
# mmintern's VOCStyleDataset reads it: mmdet's VOCDataset would take a
# folder named VOC2007 / VOC2012 for the 20-class VOC and drop objects of
# unknown classes silently; VOCStyleDataset names any such object's file.
# A CPU-sized protocol: the GV-B detection protocol's Faster R-CNN + FPN
# and optimizer with slim heads (64 channels, 256-d RoI features, 300
# proposals), 320x192 images, 4 images per optimizer step, 12 epochs of the
# split, lr 0.02 x 4 / 16, a 10-step warm-up. The full protocol at 1000x600
# takes about 10 s per step of 2 images on 2 CPU cores.
_base_ = [
    '../_base_/detection_faster_rcnn.py',
    '../_base_/schedules/detection_12e.py'
]

gvb_root = _base_.gvb_root
data_root = gvb_root + '/raccoon/VOCdevkit/'
classes = ('raccoon', )

gvb = dict(dataset='raccoon', task='detection', title='Raccoon (own)',
           metric_keys=dict(mAP='pascal_voc/mAP'), metric_scale=dict(mAP=100),
           higher_is_better=True)

model = dict(
    neck=dict(out_channels=64),
    rpn_head=dict(in_channels=64, feat_channels=64),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=64),
        bbox_head=dict(in_channels=64, fc_out_channels=256,
                       num_classes=len(classes))),
    train_cfg=dict(rpn_proposal=dict(nms_pre=1000, max_per_img=300),
                   rcnn=dict(sampler=dict(num=128))),
    test_cfg=dict(rpn=dict(nms_pre=500, max_per_img=100),
                  rcnn=dict(max_per_img=20)))

img_scale = (320, 192)
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
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor')),
]
train_dataloader = dict(
    dataset=dict(dataset=dict(
        type='VOCStyleDataset', data_root=data_root,
        metainfo=dict(classes=classes),
        ann_file='VOC_raccoon/ImageSets/Main/train.txt',
        data_prefix=dict(sub_data_root='VOC_raccoon/'),
        filter_cfg=dict(filter_empty_gt=True, min_size=8),
        pipeline=train_pipeline)))
val_dataloader = dict(
    dataset=dict(
        type='VOCStyleDataset', data_root=data_root,
        metainfo=dict(classes=classes),
        ann_file='VOC_raccoon/ImageSets/Main/val.txt',
        data_prefix=dict(sub_data_root='VOC_raccoon/'),
        test_mode=True, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='VOCMetric', metric='mAP', eval_mode='area')

total_batch = 4
optim_wrapper = dict(optimizer=dict(lr=0.02 * total_batch / 16))
epochs = 12
train_cfg = dict(max_epochs=epochs, val_interval=epochs)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=10),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=epochs,
         milestones=[8, 11], gamma=0.1),
]
default_hooks = dict(logger=dict(interval=5))

test_evaluator = dict(
    type='mmintern.GVBEvaluator', metrics=val_evaluator, gvb=gvb)
