# GV-B CIFAR-10: 10 classes, 50,000 training / 10,000 test images (32x32).
# Download: https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz
# Layout ({gvb_root}/cifar10/, the archive unpacked):
#   cifar10/cifar-10-batches-py/
#       data_batch_1 ... data_batch_5, test_batch, batches.meta
# Train: the 5 training batches; evaluation: the official test split
# (test_batch). GVBCIFAR10 reads the pickles without mmpretrain's md5 check
# and never downloads; the images are in memory, so the pipeline has no
# LoadImageFromFile (the base pipeline without its first step).
_base_ = ['../_base_/classification_linear.py']

gvb_root = _base_.gvb_root
data_root = gvb_root + '/cifar10/'
array_pipeline = _base_.pipeline[1:]

model = dict(head=dict(num_classes=10))
train_dataloader = dict(dataset=dict(dataset=dict(
    type='GVBCIFAR10', data_root=data_root, split='train',
    pipeline=array_pipeline)))
val_dataloader = dict(dataset=dict(
    type='GVBCIFAR10', data_root=data_root, split='test',
    pipeline=array_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))

gvb = dict(dataset='cifar10', metric_keys=dict(accuracy='accuracy/top1'))

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator', metrics=val_evaluator,
    gvb=gvb)
