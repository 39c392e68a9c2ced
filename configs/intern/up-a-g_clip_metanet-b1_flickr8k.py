# Plain CLIP baseline of the DeCLIP config: the same model, data and budget
# with the contrastive term only, one image view and one caption view.
_base_ = './up-a-g_declip_metanet-b1_flickr8k.py'

model = dict(losses=dict(_delete_=True, contrastive=dict(weight=1.0)))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=64, crop_ratio_range=(0.5, 1.),
         backend='pillow'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackInputs', algorithm_keys=['text'], meta_keys=['img_path']),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
