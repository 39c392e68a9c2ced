"""Data transforms of mmintern, registered in mmengine's root TRANSFORMS.

mmdet and mmseg look transforms up in their own registries first, then in
the root one, so configs of either scope find these. Nothing here imports
mmdet or mmseg at import time.
"""
from .add_dataset_name import AddDatasetName
from .depth_eval_crop import GARG_CROP, DepthEvalCrop, depth_eval_crop_mask
from .eda import SYNONYMS, EDATextAugment
from .pack_det_inputs import PackGVBDetInputs

__all__ = [
    'AddDatasetName', 'GARG_CROP', 'DepthEvalCrop', 'depth_eval_crop_mask',
    'PackGVBDetInputs', 'SYNONYMS', 'EDATextAugment'
]
