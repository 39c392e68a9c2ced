# GV-B UCF101: 101 action classes, classified from one frame per video (the
# middle one), official split 1 (9,537 train / 3,783 test videos).
# Download: https://www.crcv.ucf.edu/data/UCF101.php (UCF101.rar and
#   UCF101TrainTestSplits-RecognitionTask.zip). The frames must be
#   extracted first, e.g. for each video
#   ffmpeg -i v_X.avi frames/v_X/%05d.jpg
# Layout ({gvb_root}/ucf101/):
#   ucf101/
#   ├── frames/<video>/<frame>.jpg   # <video>: the .avi name, no suffix
#   └── ucfTrainTestlist/classInd.txt, trainlist01.txt, testlist01.txt
# Train: trainlist01; evaluation: the official test split (testlist01).
_base_ = ['../_base_/classification_linear.py']

gvb_root = _base_.gvb_root
data_root = gvb_root + '/ucf101/'

model = dict(head=dict(num_classes=101))
train_dataloader = dict(dataset=dict(dataset=dict(
    type='UCF101Frames', data_root=data_root, split='train', split_id=1,
    pipeline={{_base_.pipeline}})))
val_dataloader = dict(dataset=dict(
    type='UCF101Frames', data_root=data_root, split='test', split_id=1,
    pipeline={{_base_.pipeline}}))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))

gvb = dict(dataset='ucf101', metric_keys=dict(accuracy='accuracy/top1'))

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator', metrics=val_evaluator,
    gvb=gvb)
