# GV-B WIDER FACE: face detection, 1 class; train on WIDER_train (12880
# images), test on WIDER_val (3226 images), AP of the official easy / medium
# / hard settings (mmintern's WiderFaceAP).
# Data: http://shuoyang1213.me/WIDERFACE/ (WIDER_train.zip, WIDER_val.zip,
# wider_face_split.zip, and eval_tools.zip for the keep lists), unpacked
# into {gvb_root}/wider_face/ as:
#   wider_face/WIDER_{train,val}/images/<event>/<name>.jpg
#   wider_face/wider_face_split/wider_face_{train,val}_bbx_gt.txt
#   wider_face/wider_face_split/wider_{easy,medium,hard}_val.mat
#     (copied from eval_tools/ground_truth/; reading them needs scipy)
# Scale and epochs are not given by GV-B: mmdet's 1333x800 and 12 epochs.
_base_ = [
    '../_base_/detection_faster_rcnn.py',
    '../_base_/schedules/detection_12e.py'
]

gvb_root = _base_.gvb_root
data_root = gvb_root + '/wider_face/'
gvb = dict(
    dataset='wider_face',
    metric_keys=dict(
        AP_easy='wider_face/AP_easy',
        AP_medium='wider_face/AP_medium',
        AP_hard='wider_face/AP_hard'))

model = dict(
    roi_head=dict(bbox_head=dict(num_classes=1)),
    # WIDER images hold up to hundreds of faces.
    test_cfg=dict(rcnn=dict(score_thr=0.01, max_per_img=750)))

img_scale = (1333, 800)
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
    # The keep flags travel to WiderFaceAP as gt_instances.easy etc.
    dict(type='PackGVBDetInputs',
         extra_fields=('easy', 'medium', 'hard'),
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor')),
]
train_dataloader = dict(
    dataset=dict(
        dataset=dict(
            type='WiderFaceDataset',
            data_root=data_root,
            ann_file='wider_face_split/wider_face_train_bbx_gt.txt',
            data_prefix=dict(img='WIDER_train/images'),
            filter_cfg=dict(filter_empty_gt=True, min_size=32),
            pipeline=train_pipeline)))
val_dataloader = dict(
    dataset=dict(
        type='WiderFaceDataset',
        data_root=data_root,
        ann_file='wider_face_split/wider_face_val_bbx_gt.txt',
        data_prefix=dict(img='WIDER_val/images'),
        keep_lists=dict(
            easy='wider_face_split/wider_easy_val.mat',
            medium='wider_face_split/wider_medium_val.mat',
            hard='wider_face_split/wider_hard_val.mat'),
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='WiderFaceAP')

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    type='mmintern.GVBEvaluator', metrics=val_evaluator, gvb=gvb)
