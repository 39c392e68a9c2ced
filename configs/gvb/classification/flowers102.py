# GV-B Oxford Flowers-102: 102 classes, 2,040 trainval / 6,149 test images.
# Download: https://www.robots.ox.ac.uk/~vgg/data/flowers/102/
#   (102flowers.tgz, imagelabels.mat, setid.mat)
# Layout ({gvb_root}/flowers102/):
#   flowers102/
#   ├── jpg/image_<nnnnn>.jpg
#   ├── imagelabels.mat        # labels, 1 x 8189, classes 1-102
#   └── setid.mat              # trnid, valid, tstid
# Train: trnid + valid (trainval); evaluation: the official test split
# (tstid). Metric: mean per-class accuracy = macro-averaged recall.
_base_ = ['../_base_/classification_linear.py']

gvb_root = _base_.gvb_root
data_root = gvb_root + '/flowers102/'

model = dict(head=dict(num_classes=102))
train_dataloader = dict(dataset=dict(dataset=dict(
    type='Flowers102', data_root=data_root, split='trainval',
    pipeline={{_base_.pipeline}})))
val_dataloader = dict(dataset=dict(
    type='Flowers102', data_root=data_root, split='test',
    pipeline={{_base_.pipeline}}))
test_dataloader = val_dataloader
# _delete_: the base's Accuracy arguments (topk) do not apply here.
val_evaluator = dict(_delete_=True, type='SingleLabelMetric',
                     items=('recall', ), average='macro')

gvb = dict(dataset='flowers102',
           metric_keys=dict(mean_per_class_accuracy='single-label/recall'))

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator', metrics=val_evaluator,
    gvb=gvb)
