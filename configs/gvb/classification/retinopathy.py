# GV-B Diabetic Retinopathy: 5 grades (0 no DR ... 4 proliferative DR).
# Download: https://www.kaggle.com/c/diabetic-retinopathy-detection/data
#   (train.zip.*, test.zip.*, trainLabels.csv.zip, and the labels of the
#   test set released after the competition, retinopathy_solution.csv)
# Layout ({gvb_root}/retinopathy/):
#   retinopathy/
#   ├── trainLabels.csv              # image,level
#   ├── retinopathy_solution.csv     # image,level,Usage (Public/Private)
#   ├── train/<image>.jpeg           # e.g. 10_left.jpeg
#   └── test/<image>.jpeg
# Split as in TensorFlow Datasets: train = trainLabels.csv (35,126 images);
# val = the Public rows of the solution (10,906); test = its Private rows
# (42,670). Evaluation: the test split.
_base_ = ['../_base_/classification_linear.py']

gvb_root = _base_.gvb_root
data_root = gvb_root + '/retinopathy/'

model = dict(head=dict(num_classes=5))
train_dataloader = dict(dataset=dict(dataset=dict(
    type='DiabeticRetinopathy', data_root=data_root, split='train',
    pipeline={{_base_.pipeline}})))
val_dataloader = dict(dataset=dict(
    type='DiabeticRetinopathy', data_root=data_root, split='test',
    pipeline={{_base_.pipeline}}))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))

gvb = dict(dataset='retinopathy', metric_keys=dict(accuracy='accuracy/top1'))

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator', metrics=val_evaluator,
    gvb=gvb)
