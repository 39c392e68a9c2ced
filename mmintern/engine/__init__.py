"""Training and evaluation utilities of mmintern."""
from .hooks import FrozenBackboneHook
from .linear_probe import LinearProbeLoop

__all__ = ['FrozenBackboneHook', 'LinearProbeLoop']
