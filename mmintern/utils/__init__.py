from .backbone_checkpoint import BACKBONE_PREFIX, save_backbone
from .complexity import register_sdpa_flop_handle, sdpa_flop_jit
from .safe_checkpoint import (SAFE_GLOBALS, UnsafeCheckpointError,
                              allow_mmengine_checkpoints, load_weights_only)

__all__ = [
    'BACKBONE_PREFIX', 'save_backbone',
    'SAFE_GLOBALS', 'UnsafeCheckpointError', 'allow_mmengine_checkpoints',
    'load_weights_only', 'register_sdpa_flop_handle', 'sdpa_flop_jit'
]
