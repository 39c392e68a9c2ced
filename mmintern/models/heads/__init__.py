from .dense_depth_head import DenseDepthHead

__all__ = ['DenseDepthHead']
