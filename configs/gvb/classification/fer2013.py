# GV-B FER-2013: 7 facial expressions, 48x48 gray faces (28,709 Training /
# 3,589 PublicTest / 3,589 PrivateTest).
# Download: fer2013.tar.gz of the Kaggle challenge "Challenges in
#   Representation Learning: Facial Expression Recognition Challenge"
#   (https://www.kaggle.com/c/challenges-in-representation-learning-
#   facial-expression-recognition-challenge/data)
# Layout ({gvb_root}/fer2013/):
#   fer2013/fer2013.csv      # emotion,pixels,Usage
# Train: Training; evaluation: the official test split (PrivateTest);
# PublicTest is the val split. FER2013 decodes the pixels into memory and
# hands each face to the pipeline as a 3-channel image under `img`, so the
# pipeline has no LoadImageFromFile (the base pipeline without its first
# step).
_base_ = ['../_base_/classification_linear.py']

gvb_root = _base_.gvb_root
data_root = gvb_root + '/fer2013/'
array_pipeline = _base_.pipeline[1:]

model = dict(head=dict(num_classes=7))
train_dataloader = dict(dataset=dict(dataset=dict(
    type='FER2013', data_root=data_root, split='train',
    pipeline=array_pipeline)))
val_dataloader = dict(dataset=dict(
    type='FER2013', data_root=data_root, split='test',
    pipeline=array_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))

gvb = dict(dataset='fer2013', metric_keys=dict(accuracy='accuracy/top1'))

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator', metrics=val_evaluator,
    gvb=gvb)
