from .synthetic_shapes import SHAPE_CLASSES, write_shapes_coco

__all__ = ['SHAPE_CLASSES', 'write_shapes_coco']
