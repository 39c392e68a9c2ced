# The Flickr8k caption extract of the shared data ($INTERN_DATA_ROOT,
# default ../shared/data): 250 images x 5 captions, read by
# ImageTextDataset; the Up-A stages set the dataset's pipeline. Their image
# views are MoCo-v2's at 64 px, without its Gaussian blur and
# without hue jitter: mmcv 2.1's adjust_hue overflows on a negative shift
# under numpy 2.
flickr8k_view = [
    dict(type='RandomResizedCrop', scale=64, crop_ratio_range=(0.2, 1.),
         backend='pillow'),
    dict(type='RandomApply', transforms=[
        dict(type='ColorJitter', brightness=0.4, contrast=0.4,
             saturation=0.4)], prob=0.8),  # no hue: see note
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True,
         channel_weights=(0.114, 0.587, 0.2989)),
    dict(type='RandomFlip', prob=0.5),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='ImageTextDataset',
        data_root='{{$INTERN_DATA_ROOT:../shared/data}}/flickr8k_captions',
        ann_file='captions.txt',
        data_prefix=dict(img_path='images')))
