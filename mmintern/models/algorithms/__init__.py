"""Training algorithms of INTERN: DeCLIP (Up-A) and plain CLIP."""
from .declip import DeCLIP

__all__ = ['DeCLIP']
