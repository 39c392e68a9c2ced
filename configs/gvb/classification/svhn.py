# GV-B SVHN (format 2, cropped digits): 10 classes, 73,257 training /
# 26,032 test images (32x32); the `extra` set is not used.
# Download: http://ufldl.stanford.edu/housenumbers/
#   (train_32x32.mat, test_32x32.mat)
# Layout ({gvb_root}/svhn/):
#   svhn/train_32x32.mat, svhn/test_32x32.mat
#       # X: [32, 32, 3, N] uint8, y: [N, 1] with 10 for the digit 0
# Train: train_32x32; evaluation: the official test split. SVHNMat reads
# the .mat files with scipy and keeps the images in memory, so the
# pipeline has no LoadImageFromFile (the base pipeline without its first
# step).
_base_ = ['../_base_/classification_linear.py']

gvb_root = _base_.gvb_root
data_root = gvb_root + '/svhn/'
array_pipeline = _base_.pipeline[1:]

model = dict(head=dict(num_classes=10))
train_dataloader = dict(dataset=dict(dataset=dict(
    type='SVHNMat', data_root=data_root, split='train',
    pipeline=array_pipeline)))
val_dataloader = dict(dataset=dict(
    type='SVHNMat', data_root=data_root, split='test',
    pipeline=array_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))

gvb = dict(dataset='svhn', metric_keys=dict(accuracy='accuracy/top1'))

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator', metrics=val_evaluator,
    gvb=gvb)
