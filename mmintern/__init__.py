"""mmintern: INTERN, the general vision system, for OpenMMLab 2.0.

Importing the package registers its public types in mmengine's root
registries and in mmintern's children, and makes mmengine checkpoints
loadable with weights-only unpickling, and the offline pretrained weights
loadable as ``mmintern://`` checkpoints. It loads nothing beyond mmpretrain's
models (which import mmdet's); mmseg is imported where it is used.
"""
from .registry import MODELS  # noqa: F401
from .utils import (allow_mmengine_checkpoints, register_pretrained_scheme,
                    register_sdpa_flop_handle)
from .version import __version__
from . import datasets, engine, evaluation, gvb, models  # noqa: F401,E402

allow_mmengine_checkpoints()
register_pretrained_scheme()
register_sdpa_flop_handle()

__all__ = ['__version__']
