"""Small helpers the model classes share."""
from .output_width import last_output_width

__all__ = ['last_output_width']
