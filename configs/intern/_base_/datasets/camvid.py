# CamVid of the shared data ($INTERN_DATA_ROOT, default ../shared/data):
# every image of its val/ folder (480x360, resized to 128x96), SegNet's 11
# classes; label 11 is "Unlabelled", ignored. Tagged 'camvid' for
# MultiTaskExpert's routing. Every type is scoped, so configs of any default
# scope use it as it is.
camvid_classes = ('Sky', 'Building', 'Pole', 'Road', 'Pavement', 'Tree',
                  'SignSymbol', 'Fence', 'Car', 'Pedestrian', 'Bicyclist')
camvid_ignore = 11
camvid_train = dict(
    type='mmseg.BaseSegDataset',
    data_root='{{$INTERN_DATA_ROOT:../shared/data}}/camvid_seg/CamVid',
    data_prefix=dict(img_path='val', seg_map_path='valannot'),
    img_suffix='.png',
    seg_map_suffix='.png',
    metainfo=dict(classes=camvid_classes),
    ignore_index=camvid_ignore,
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='mmseg.LoadAnnotations'),
        dict(type='mmseg.Resize', scale=(128, 96), keep_ratio=True),
        dict(type='mmseg.RandomFlip', prob=0.5),
        dict(type='AddDatasetName', name='camvid'),
        # 'dataset' in meta_keys: MultiTaskExpert routes a batch by it.
        dict(type='mmseg.PackSegInputs',
             meta_keys=('img_path', 'seg_map_path', 'ori_shape',
                        'img_shape', 'pad_shape', 'scale_factor', 'flip',
                        'flip_direction', 'reduce_zero_label', 'dataset')),
    ])
