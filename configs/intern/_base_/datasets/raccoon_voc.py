# The raccoon detection set of the shared data ($INTERN_DATA_ROOT, default
# ../shared/data): 200 images in VOC layout, its 160-image train split here,
# resized to 128 px and tagged 'raccoon' for MultiTaskExpert's routing.
# Every type is scoped, so configs of any default scope use it as it is.
raccoon_train = dict(
    type='mmdet.VOCDataset',
    data_root='{{$INTERN_DATA_ROOT:../shared/data}}/raccoon_voc/VOCdevkit/',
    ann_file='VOC_raccoon/ImageSets/Main/train.txt',
    data_prefix=dict(sub_data_root='VOC_raccoon/'),
    metainfo=dict(classes=('raccoon', )),
    filter_cfg=dict(filter_empty_gt=True),
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='mmdet.LoadAnnotations', with_bbox=True),
        dict(type='mmdet.Resize', scale=(128, 128), keep_ratio=True),
        dict(type='mmdet.RandomFlip', prob=0.5),
        dict(type='AddDatasetName', name='raccoon'),
        # 'dataset' in meta_keys: MultiTaskExpert routes a batch by it.
        dict(type='mmdet.PackDetInputs',
             meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                        'scale_factor', 'flip', 'flip_direction',
                        'dataset')),
    ])
