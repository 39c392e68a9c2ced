from .backbone_checkpoint import BACKBONE_PREFIX, save_backbone
from .complexity import register_sdpa_flop_handle, sdpa_flop_jit
from .data_root import shared_data_root
from .key_groups import group_keys
from .mean_std import mean_std
from .pretrained import PRETRAINED, load_pretrained, register_pretrained_scheme
from .safe_checkpoint import (SAFE_GLOBALS, UnsafeCheckpointError,
                              allow_mmengine_checkpoints, load_weights_only)

__all__ = [
    'BACKBONE_PREFIX', 'save_backbone', 'group_keys', 'mean_std',
    'shared_data_root', 'PRETRAINED', 'load_pretrained',
    'register_pretrained_scheme',
    'SAFE_GLOBALS', 'UnsafeCheckpointError', 'allow_mmengine_checkpoints',
    'load_weights_only', 'register_sdpa_flop_handle', 'sdpa_flop_jit'
]
