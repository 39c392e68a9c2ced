# GV-B GTSRB: 43 traffic-sign classes, 39,209 training / 12,630 test images.
# Download: https://benchmark.ini.rub.de/gtsrb_dataset.html
#   (GTSRB_Final_Training_Images.zip, GTSRB_Final_Test_Images.zip,
#   GTSRB_Final_Test_GT.zip)
# Layout ({gvb_root}/gtsrb/, the three zips unpacked):
#   gtsrb/
#   ├── GTSRB/Final_Training/Images/<class>/GT-<class>.csv, *.ppm
#   │                                # class: 00000 ... 00042
#   ├── GTSRB/Final_Test/Images/<nnnnn>.ppm
#   └── GT-final_test.csv
#   # GT files: Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId
# Train: Final_Training; evaluation: the official test split (Final_Test).
_base_ = ['../_base_/classification_linear.py']

gvb_root = _base_.gvb_root
data_root = gvb_root + '/gtsrb/'

model = dict(head=dict(num_classes=43))
train_dataloader = dict(dataset=dict(dataset=dict(
    type='GTSRB', data_root=data_root, split='train',
    pipeline={{_base_.pipeline}})))
val_dataloader = dict(dataset=dict(
    type='GTSRB', data_root=data_root, split='test',
    pipeline={{_base_.pipeline}}))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))

gvb = dict(dataset='gtsrb', metric_keys=dict(accuracy='accuracy/top1'))

# tools/test.py reports through GV-B: these metrics under GV-B's names and
# scale, and the dataset's row of the GV-B table.
test_evaluator = dict(
    _delete_=True, type='mmintern.GVBEvaluator', metrics=val_evaluator,
    gvb=gvb)
