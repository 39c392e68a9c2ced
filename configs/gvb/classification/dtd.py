# GV-B DTD (Describable Textures): 47 classes, split 1 (3,760 trainval /
# 1,880 test images).
# Download: https://www.robots.ox.ac.uk/~vgg/data/dtd/ (dtd-r1.0.1.tar.gz)
# Layout ({gvb_root}/dtd/, the contents of the archive's dtd/):
#   dtd/
#   ├── images/<class>/<class>_<nnnn>.jpg
#   └── imdb/imdb.mat      # struct `images`: name, class, set (1/2/3)
# Train: train + val of split 1 (trainval); evaluation: the official test
# split.
_base_ = ['../_base_/classification_linear.py']

gvb_root = _base_.gvb_root
data_root = gvb_root + '/dtd/'

model = dict(head=dict(num_classes=47))
train_dataloader = dict(dataset=dict(dataset=dict(
    type='DTD', data_root=data_root, split='trainval',
    pipeline={{_base_.pipeline}})))
val_dataloader = dict(dataset=dict(
    type='DTD', data_root=data_root, split='test',
    pipeline={{_base_.pipeline}}))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))

gvb = dict(dataset='dtd', metric_keys=dict(accuracy='accuracy/top1'))

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator', metrics=val_evaluator,
    gvb=gvb)
