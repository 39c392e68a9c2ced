# GV-B Kinetics-700: 700 action classes, classified from one frame per video
# (the middle one).
# Download: https://github.com/cvdfoundation/kinetics-dataset (k700_2020
#   videos by split and class). The frames must be extracted first, one
#   folder per video, e.g. ffmpeg -i <video>.mp4 <video>/%05d.jpg
# Layout ({gvb_root}/kinetics700/):
#   kinetics700/frames/{train,val}/<class>/<video>/<frame>.jpg
# The classes are the sorted class folders of frames/train. Videos without
# frames are left out. Train: train; evaluation: val (the test split has no
# public labels).
_base_ = ['../_base_/classification_linear.py']

gvb_root = _base_.gvb_root
data_root = gvb_root + '/kinetics700/'

model = dict(head=dict(num_classes=700))
train_dataloader = dict(dataset=dict(dataset=dict(
    type='KineticsFrames', data_root=data_root, split='train',
    pipeline={{_base_.pipeline}})))
val_dataloader = dict(dataset=dict(
    type='KineticsFrames', data_root=data_root, split='val',
    pipeline={{_base_.pipeline}}))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))

gvb = dict(dataset='kinetics700', metric_keys=dict(accuracy='accuracy/top1'))

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator', metrics=val_evaluator,
    gvb=gvb)
