"""Training and evaluation utilities of mmintern."""
from .hooks import FrozenBackboneHook
from .linear_probe import LinearProbeLoop
from .optimizers import MultiOptimWrapperConstructor

__all__ = [
    'FrozenBackboneHook', 'LinearProbeLoop', 'MultiOptimWrapperConstructor'
]
