# GV-B Caltech-101: 102 classes (101 + BACKGROUND_Google).
# Download: https://data.caltech.edu/records/mzrjq-6wc02 (caltech-101.zip,
#   101_ObjectCategories.tar.gz inside).
# Layout ({gvb_root}/caltech101/):
#   caltech101/101_ObjectCategories/<class>/image_<nnnn>.jpg
# The download has no split: Caltech101Folders takes 30 images of every
# class for training (the usual protocol; which 30 is fixed by
# split_seed=0, the same for everyone) and the rest for evaluation.
# Metric: mean per-class accuracy = macro-averaged recall.
_base_ = ['../_base_/classification_linear.py']

gvb_root = _base_.gvb_root
data_root = gvb_root + '/caltech101/'

model = dict(head=dict(num_classes=102))
train_dataloader = dict(dataset=dict(dataset=dict(
    type='Caltech101Folders', data_root=data_root, split='train',
    pipeline={{_base_.pipeline}})))
val_dataloader = dict(dataset=dict(
    type='Caltech101Folders', data_root=data_root, split='test',
    pipeline={{_base_.pipeline}}))
test_dataloader = val_dataloader
# _delete_: the base's Accuracy arguments (topk) do not apply here.
val_evaluator = dict(_delete_=True, type='SingleLabelMetric',
                     items=('recall', ), average='macro')

gvb = dict(dataset='caltech101',
           metric_keys=dict(mean_per_class_accuracy='single-label/recall'))

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator', metrics=val_evaluator,
    gvb=gvb)
