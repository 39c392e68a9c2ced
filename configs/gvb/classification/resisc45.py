# GV-B NWPU-RESISC45: 45 scene classes, 700 256x256 images each.
# Download: NWPU-RESISC45.rar, linked from
#   https://gcheng-nwpu.github.io/#Datasets
# Layout ({gvb_root}/resisc45/):
#   resisc45/NWPU-RESISC45/<class>/<class>_<nnn>.jpg
# RESISC45 has no official split: RESISC45 takes a seeded (split_seed=0)
# 80/20 split of every class; train: the 80%, evaluation: the 20% (the test
# split).
_base_ = ['../_base_/classification_linear.py']

gvb_root = _base_.gvb_root
data_root = gvb_root + '/resisc45/'

model = dict(head=dict(num_classes=45))
train_dataloader = dict(dataset=dict(dataset=dict(
    type='RESISC45', data_root=data_root, split='train',
    pipeline={{_base_.pipeline}})))
val_dataloader = dict(dataset=dict(
    type='RESISC45', data_root=data_root, split='test',
    pipeline={{_base_.pipeline}}))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))

gvb = dict(dataset='resisc45', metric_keys=dict(accuracy='accuracy/top1'))

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator', metrics=val_evaluator,
    gvb=gvb)
