# GV-B ImageNet-1k (ILSVRC2012): 1000 classes, 1,281,167 training / 50,000
# val images.
# Download: https://image-net.org/ (ILSVRC2012_img_train.tar,
#   ILSVRC2012_img_val.tar); the label lists meta/train.txt and
#   meta/val.txt ("<path> <label>", classes in sorted wnid order) are those
#   of mmpretrain's ImageNet docs (https://mmpretrain.readthedocs.io).
# Layout ({gvb_root}/imagenet/):
#   imagenet/
#   ├── train/<wnid>/<wnid>_<n>.JPEG
#   ├── val/ILSVRC2012_val_<nnnnnnnn>.JPEG
#   └── meta/train.txt, meta/val.txt
# Train: train; evaluation: val (the test split has no public labels).
_base_ = ['../_base_/classification_linear.py']

gvb_root = _base_.gvb_root
data_root = gvb_root + '/imagenet/'

model = dict(head=dict(num_classes=1000))
train_dataloader = dict(dataset=dict(dataset=dict(
    type='ImageNet', data_root=data_root, split='train',
    pipeline={{_base_.pipeline}})))
val_dataloader = dict(dataset=dict(
    type='ImageNet', data_root=data_root, split='val',
    pipeline={{_base_.pipeline}}))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))

gvb = dict(dataset='imagenet', metric_keys=dict(accuracy='accuracy/top1'))

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator', metrics=val_evaluator,
    gvb=gvb)
