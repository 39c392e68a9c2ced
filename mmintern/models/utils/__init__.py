"""Small helpers the model classes share."""
from .inference import fold_for_inference
from .output_width import last_output_width
from .pooling import last_output, pool_feature

__all__ = ['fold_for_inference', 'last_output_width', 'last_output',
           'pool_feature']
