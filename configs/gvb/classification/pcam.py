# GV-B PatchCamelyon: 2 classes (tumour in the centre or not), 96x96
# patches (262,144 train / 32,768 valid / 32,768 test).
# Download: https://github.com/basveeling/pcam (the .h5.gz files, gunzipped)
# Layout ({gvb_root}/pcam/):
#   pcam/camelyonpatch_level_2_split_{train,valid,test}_{x,y}.h5
#       # x: [N, 96, 96, 3] uint8, y: [N, 1, 1, 1]
# Train: train; evaluation: the official test split. PatchCamelyon needs
# h5py; it reads each patch from the file when it is used, so the pipeline
# has no LoadImageFromFile (the base pipeline without its first step).
_base_ = ['../_base_/classification_linear.py']

gvb_root = _base_.gvb_root
data_root = gvb_root + '/pcam/'
array_pipeline = _base_.pipeline[1:]

model = dict(head=dict(num_classes=2))
train_dataloader = dict(dataset=dict(dataset=dict(
    type='PatchCamelyon', data_root=data_root, split='train',
    pipeline=array_pipeline)))
val_dataloader = dict(dataset=dict(
    type='PatchCamelyon', data_root=data_root, split='test',
    pipeline=array_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))

gvb = dict(dataset='pcam', metric_keys=dict(accuracy='accuracy/top1'))

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator', metrics=val_evaluator,
    gvb=gvb)
