# What the multi-dataset stages (the Up-E experts and Up-G) share: batches
# of 2, every one from a single dataset (the same one on every rank) drawn
# by RatioMultiDatasetSampler, whose batch_size must be the DataLoader's; a
# config sets the ConcatDataset's `datasets`, the sampler's `ratios` (one
# per dataset) and, where batch sizes differ, both batch sizes.
train_dataloader = dict(
    batch_size=2,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='RatioMultiDatasetSampler', batch_size=2),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(
        type='ConcatDataset',
        # One head or task model per dataset: their class lists (and the
        # other metainfo of detection / segmentation datasets) differ by
        # design.
        ignore_keys=['classes', 'palette', 'dataset_type', 'label_map',
                     'reduce_zero_label']))

# Under DDP, the other datasets' heads get no gradient in a step.
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel', find_unused_parameters=True)
