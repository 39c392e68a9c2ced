# GV-B Oxford-IIIT Pets: 37 breeds, 3,680 trainval / 3,669 test images.
# Download: https://www.robots.ox.ac.uk/~vgg/data/pets/
#   (images.tar.gz and annotations.tar.gz)
# Layout ({gvb_root}/pets/, both archives unpacked):
#   pets/
#   ├── images/<Breed>_<n>.jpg
#   └── annotations/trainval.txt, annotations/test.txt
#       # lines "<Breed>_<n> <class id 1-37> <species> <breed id>"
# Train: trainval; evaluation: the official test split. Metric: mean
# per-class accuracy = macro-averaged recall of SingleLabelMetric.
_base_ = ['../_base_/classification_linear.py']

gvb_root = _base_.gvb_root
data_root = gvb_root + '/pets/'

model = dict(head=dict(num_classes=37))
train_dataloader = dict(dataset=dict(dataset=dict(
    type='OxfordIIITPet', data_root=data_root, split='trainval',
    pipeline={{_base_.pipeline}})))
val_dataloader = dict(dataset=dict(
    type='OxfordIIITPet', data_root=data_root, split='test',
    pipeline={{_base_.pipeline}}))
test_dataloader = val_dataloader
# _delete_: the base's Accuracy arguments (topk) do not apply here.
val_evaluator = dict(_delete_=True, type='SingleLabelMetric',
                     items=('recall', ), average='macro')

gvb = dict(dataset='pets',
           metric_keys=dict(mean_per_class_accuracy='single-label/recall'))

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator', metrics=val_evaluator,
    gvb=gvb)
