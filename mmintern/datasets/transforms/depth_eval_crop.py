"""The evaluation crop of depth benchmarks, applied to the ground truth."""
from typing import Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from mmintern.registry import register_transform

__all__ = ['GARG_CROP', 'depth_eval_crop_mask', 'DepthEvalCrop']

# The crop of Garg et al. (ECCV 2016) that KITTI Eigen-split results use:
# (top, bottom, left, right) as fractions of the image height / width.
GARG_CROP = (0.40810811, 0.99189189, 0.03594771, 0.96405229)


def depth_eval_crop_mask(height: int,
                         width: int,
                         crop: Sequence[float] = GARG_CROP) -> np.ndarray:
    """The pixels inside an evaluation crop.

    The crop's bounds are the fractions times the size, truncated to
    integers, as the reference evaluation code computes them; the bottom and
    right bounds are exclusive.

    Args:
        height (int): Image height.
        width (int): Image width.
        crop (Sequence[float]): ``(top, bottom, left, right)`` fractions.
            Defaults to :data:`GARG_CROP`.

    Returns:
        np.ndarray: Bool mask of shape (height, width).
    """
    top, bottom, left, right = crop
    if not 0 <= top < bottom <= 1 or not 0 <= left < right <= 1:
        raise ValueError(f'crop must be (top, bottom, left, right) fractions'
                         f' with top < bottom and left < right, got {crop}')
    rows = np.array([top * height, bottom * height]).astype(np.int32)
    cols = np.array([left * width, right * width]).astype(np.int32)
    mask = np.zeros((height, width), dtype=bool)
    mask[rows[0]:rows[1], cols[0]:cols[1]] = True
    return mask


@register_transform
class DepthEvalCrop(BaseTransform):
    """Zero the ground-truth depth outside an evaluation crop.

    mmseg's ``DepthMetric`` knows only the NYU crop; it does skip ground
    truth at or below ``min_depth_eval``, so zeroing the depth outside the
    crop (0 already means "no measurement") restricts the metric to the
    crop. Put it in the *test* pipeline right after ``LoadDepthAnnotation``,
    with the ground truth at the original image size (load it after any
    ``Resize``).

    Args:
        crop (Sequence[float]): ``(top, bottom, left, right)`` fractions of
            the height / width. Defaults to :data:`GARG_CROP`, the KITTI
            Eigen-split crop.
        key (str): The depth map in ``results``. Defaults to
            ``'gt_depth_map'``.
    """

    def __init__(self, crop: Sequence[float] = GARG_CROP,
                 key: str = 'gt_depth_map'):
        self.crop = tuple(float(c) for c in crop)
        # Validates the fractions now rather than at the first sample.
        depth_eval_crop_mask(2, 2, self.crop)
        self.key = key

    def transform(self, results: dict) -> dict:
        """Zero ``results[key]`` outside the crop."""
        if self.key not in results:
            raise KeyError(f'DepthEvalCrop found no {self.key!r}; put it '
                           'after LoadDepthAnnotation')
        depth = results[self.key]
        mask = depth_eval_crop_mask(depth.shape[0], depth.shape[1],
                                    self.crop)
        results[self.key] = np.where(mask, depth, 0).astype(depth.dtype)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(crop={self.crop}, key={self.key!r})'
