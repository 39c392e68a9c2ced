from .safe_checkpoint import (SAFE_GLOBALS, UnsafeCheckpointError,
                              allow_mmengine_checkpoints, load_weights_only)

__all__ = [
    'SAFE_GLOBALS', 'UnsafeCheckpointError', 'allow_mmengine_checkpoints',
    'load_weights_only'
]
