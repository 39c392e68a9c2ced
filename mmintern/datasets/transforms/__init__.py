"""Data transforms of mmintern, registered in mmengine's root TRANSFORMS
(so mmdet and mmseg configs find them: their registries look in their own
first, then in the root) and in mmintern's child (``type='mmintern.X'``).
"""
from .add_dataset_name import AddDatasetName
from .check_maps import DEPTH_MODES, CheckDepthMap, CheckSegMap
from .depth_eval_crop import GARG_CROP, DepthEvalCrop, depth_eval_crop_mask
from .eda import SYNONYMS, EDATextAugment
from .pack_det_inputs import PackGVBDetInputs
from .vqgan_reencode import VQGANReencode

__all__ = [
    'AddDatasetName', 'CheckDepthMap', 'CheckSegMap', 'DEPTH_MODES',
    'GARG_CROP', 'DepthEvalCrop', 'depth_eval_crop_mask',
    'PackGVBDetInputs', 'SYNONYMS', 'EDATextAugment', 'VQGANReencode'
]
