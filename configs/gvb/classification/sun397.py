# GV-B SUN397: 397 scene classes, partition 01 (19,850 train / 19,850 test).
# Download: https://vision.princeton.edu/projects/2010/SUN/
#   (SUN397.tar.gz and Partitions.zip)
# Layout ({gvb_root}/sun397/):
#   sun397/
#   ├── SUN397/<letter>/<class>[/<sub>]/sun_<id>.jpg
#   └── Partitions/ClassName.txt, Training_01.txt, Testing_01.txt
#       # lines "/a/abbey/sun_<id>.jpg"
# Train: Training_01; evaluation: the official test split (Testing_01).
# Some SUN397 ".jpg" files are other formats, so images are decoded with
# pillow (the base pipeline with LoadImageFromFile's backend changed).
_base_ = ['../_base_/classification_linear.py']

gvb_root = _base_.gvb_root
data_root = gvb_root + '/sun397/'
sun_pipeline = [dict(type='LoadImageFromFile', imdecode_backend='pillow')
                ] + _base_.pipeline[1:]

model = dict(head=dict(num_classes=397))
train_dataloader = dict(dataset=dict(dataset=dict(
    type='SUN397', data_root=data_root, split='train',
    pipeline=sun_pipeline)))
val_dataloader = dict(dataset=dict(
    type='SUN397', data_root=data_root, split='test',
    pipeline=sun_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))

gvb = dict(dataset='sun397', metric_keys=dict(accuracy='accuracy/top1'))

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator', metrics=val_evaluator,
    gvb=gvb)
