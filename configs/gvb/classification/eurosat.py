# GV-B EuroSAT (RGB): 10 land-cover classes, 27,000 64x64 images.
# Download: https://zenodo.org/records/7711810 (EuroSAT_RGB.zip)
# Layout ({gvb_root}/eurosat/):
#   eurosat/EuroSAT_RGB/<class>/<class>_<n>.jpg
#   (the older EuroSAT.zip unpacks to 2750/<class>/: set data_prefix='2750')
# EuroSAT has no official split: EuroSAT takes a seeded (split_seed=0) 80/20
# split of every class; train: the 80%, evaluation: the 20% (the test split).
_base_ = ['../_base_/classification_linear.py']

gvb_root = _base_.gvb_root
data_root = gvb_root + '/eurosat/'

model = dict(head=dict(num_classes=10))
train_dataloader = dict(dataset=dict(dataset=dict(
    type='EuroSAT', data_root=data_root, split='train',
    pipeline={{_base_.pipeline}})))
val_dataloader = dict(dataset=dict(
    type='EuroSAT', data_root=data_root, split='test',
    pipeline={{_base_.pipeline}}))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))

gvb = dict(dataset='eurosat', metric_keys=dict(accuracy='accuracy/top1'))

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator', metrics=val_evaluator,
    gvb=gvb)
