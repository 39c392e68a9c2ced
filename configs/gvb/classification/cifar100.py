# GV-B CIFAR-100: 100 (fine) classes, 50,000 training / 10,000 test images.
# Download: https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz
# Layout ({gvb_root}/cifar100/, the archive unpacked):
#   cifar100/cifar-100-python/
#       train, test, meta
# Train: `train`; evaluation: the official test split (`test`).
# GVBCIFAR100 reads the pickles without mmpretrain's md5 check and never
# downloads; the images are in memory, so the pipeline has no
# LoadImageFromFile (the base pipeline without its first step).
_base_ = ['../_base_/classification_linear.py']

gvb_root = _base_.gvb_root
data_root = gvb_root + '/cifar100/'
array_pipeline = _base_.pipeline[1:]

model = dict(head=dict(num_classes=100))
train_dataloader = dict(dataset=dict(dataset=dict(
    type='GVBCIFAR100', data_root=data_root, split='train',
    pipeline=array_pipeline)))
val_dataloader = dict(dataset=dict(
    type='GVBCIFAR100', data_root=data_root, split='test',
    pipeline=array_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))

gvb = dict(dataset='cifar100', metric_keys=dict(accuracy='accuracy/top1'))

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator', metrics=val_evaluator,
    gvb=gvb)
