# GV-B Food-101: 101 classes, 75,750 training / 25,250 test images.
# Download: http://data.vision.ee.ethz.ch/cvl/food-101.tar.gz
# Layout ({gvb_root}/food101/, the contents of the archive's food-101/):
#   food101/
#   ├── images/<class>/<id>.jpg
#   └── meta/train.txt, meta/test.txt      # lines "<class>/<id>"
# Train: meta/train.txt; evaluation: the official test split (meta/test.txt).
_base_ = ['../_base_/classification_linear.py']

gvb_root = _base_.gvb_root
data_root = gvb_root + '/food101/'

model = dict(head=dict(num_classes=101))
train_dataloader = dict(dataset=dict(dataset=dict(
    type='Food101', data_root=data_root, split='train',
    pipeline={{_base_.pipeline}})))
val_dataloader = dict(dataset=dict(
    type='Food101', data_root=data_root, split='test',
    pipeline={{_base_.pipeline}}))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))

gvb = dict(dataset='food101', metric_keys=dict(accuracy='accuracy/top1'))

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator', metrics=val_evaluator,
    gvb=gvb)
