# GV-B FGVC-Aircraft: 100 variants, 6,667 trainval / 3,333 test images.
# Download: https://www.robots.ox.ac.uk/~vgg/data/fgvc-aircraft/
#   (fgvc-aircraft-2013b.tar.gz)
# Layout ({gvb_root}/aircraft/, the contents of fgvc-aircraft-2013b/):
#   aircraft/
#   └── data/
#       ├── images/<id>.jpg
#       ├── variants.txt
#       └── images_variant_trainval.txt, images_variant_test.txt
#           # lines "<id> <variant>"
# Train: trainval; evaluation: the official test split. Metric: mean
# per-class accuracy = macro-averaged recall.
_base_ = ['../_base_/classification_linear.py']

gvb_root = _base_.gvb_root
data_root = gvb_root + '/aircraft/'

model = dict(head=dict(num_classes=100))
train_dataloader = dict(dataset=dict(dataset=dict(
    type='FGVCAircraft', data_root=data_root, split='trainval',
    pipeline={{_base_.pipeline}})))
val_dataloader = dict(dataset=dict(
    type='FGVCAircraft', data_root=data_root, split='test',
    pipeline={{_base_.pipeline}}))
test_dataloader = val_dataloader
# _delete_: the base's Accuracy arguments (topk) do not apply here.
val_evaluator = dict(_delete_=True, type='SingleLabelMetric',
                     items=('recall', ), average='macro')

gvb = dict(dataset='aircraft',
           metric_keys=dict(mean_per_class_accuracy='single-label/recall'))

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator', metrics=val_evaluator,
    gvb=gvb)
