"""Training and evaluation utilities of mmintern."""
from .hooks import FrozenBackboneHook

__all__ = ['FrozenBackboneHook']
