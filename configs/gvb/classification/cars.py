# GV-B Stanford Cars: 196 classes, 8,144 training / 8,041 test images.
# Download: https://ai.stanford.edu/~jkrause/cars/car_dataset.html (now
#   offline; mirrors, e.g. Kaggle "stanford-cars-dataset", carry the same
#   files: cars_train.tgz, cars_test.tgz, car_devkit.tgz and
#   cars_test_annos_withlabels.mat)
# Layout ({gvb_root}/cars/):
#   cars/
#   ├── cars_train/<nnnnn>.jpg
#   ├── cars_test/<nnnnn>.jpg
#   ├── devkit/cars_train_annos.mat
#   └── cars_test_annos_withlabels.mat   # here or in devkit/
#       # struct `annotations` with fname and class (1-196)
# (the other official layout, car_ims/ + cars_annos.mat, is read too.)
# Train: cars_train; evaluation: the official test split.
_base_ = ['../_base_/classification_linear.py']

gvb_root = _base_.gvb_root
data_root = gvb_root + '/cars/'

model = dict(head=dict(num_classes=196))
train_dataloader = dict(dataset=dict(dataset=dict(
    type='StanfordCarsFiles', data_root=data_root, split='train',
    pipeline={{_base_.pipeline}})))
val_dataloader = dict(dataset=dict(
    type='StanfordCarsFiles', data_root=data_root, split='test',
    pipeline={{_base_.pipeline}}))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))

gvb = dict(dataset='cars', metric_keys=dict(accuracy='accuracy/top1'))

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator', metrics=val_evaluator,
    gvb=gvb)
