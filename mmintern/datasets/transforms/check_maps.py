"""Checks of dense annotation files, naming the file that is wrong.

Without them a depth map saved as 8-bit gives a plausible RMSE, and a mask
with a value outside the classes fails an iteration later, deep inside the
loss, with ``Target 40 is out of bounds`` and no file named.
"""
from typing import Sequence, Union

import numpy as np
from mmcv.transforms import BaseTransform
from PIL import Image

from mmintern.registry import register_transform

__all__ = ['CheckDepthMap', 'CheckSegMap', 'DEPTH_MODES']

# PIL's modes of a single-channel 16-bit PNG (and of 32-bit integer maps).
DEPTH_MODES = ('I;16', 'I;16B', 'I;16L', 'I')


@register_transform
class CheckDepthMap(BaseTransform):
    """Refuse a depth map that is not a single-channel 16-bit image.

    Put it before ``LoadDepthAnnotation``: it reads the file's header only.

    Args:
        key (str): The path in ``results``. Defaults to ``'depth_map_path'``
            (mmseg's depth datasets).
    """

    def __init__(self, key: str = 'depth_map_path'):
        self.key = key

    def transform(self, results: dict) -> dict:
        path = results[self.key]
        with Image.open(path) as image:
            mode = image.mode
        if mode not in DEPTH_MODES:
            raise ValueError(
                f'{path} is a {mode!r} image; depth maps are single-channel '
                f'16-bit PNGs (PIL mode I;16, values in millimetres or '
                f'1/256 m): re-save it from the original depth values')
        return results


@register_transform
class CheckSegMap(BaseTransform):
    """Refuse a segmentation mask with values outside the classes.

    Put it after ``LoadAnnotations``. Valid values are ``0 .. num_classes -
    1`` and the ``ignore_index`` values.

    Args:
        num_classes (int): The classes of the dataset.
        ignore_index (int | Sequence[int]): Values that mark ignored
            pixels. Defaults to 255.
    """

    def __init__(self, num_classes: int,
                 ignore_index: Union[int, Sequence[int]] = 255):
        self.num_classes = int(num_classes)
        self.ignore = tuple(ignore_index) if isinstance(
            ignore_index, (list, tuple)) else (int(ignore_index), )

    def transform(self, results: dict) -> dict:
        values = np.unique(results['gt_seg_map'])
        bad = [int(v) for v in values if not 0 <= v < self.num_classes
               and int(v) not in self.ignore]
        if bad:
            raise ValueError(
                f'{results.get("seg_map_path", "a mask")} holds the values '
                f'{bad[:10]}, outside the {self.num_classes} classes '
                f'(0..{self.num_classes - 1}) and the ignore index '
                f'{list(self.ignore)}; is it a palette or colour mask, or '
                'the mask of another label set?')
        return results
