"""Box helpers shared by the detection metrics, numpy only.

Boxes are ``(x1, y1, x2, y2)`` in continuous coordinates, as in mmdet:
a box's width is ``x2 - x1`` (no ``+ 1``).
"""
from typing import Optional

import numpy as np

__all__ = ['as_boxes', 'box_overlaps']


def as_boxes(boxes, name: str) -> np.ndarray:
    """Boxes as a float64 array of shape (N, 4); an empty input gives (0, 4).

    Args:
        boxes (array-like): The boxes.
        name (str): What they are, for the error message.
    """
    boxes = np.asarray(boxes, dtype=np.float64)
    if boxes.size == 0:
        return boxes.reshape(0, 4)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError(f'{name} must have shape (N, 4) in (x1, y1, x2, y2)'
                         f' order, got shape {boxes.shape}')
    return boxes


def box_overlaps(boxes1: np.ndarray,
                 boxes2: np.ndarray,
                 ioa_columns: Optional[np.ndarray] = None) -> np.ndarray:
    """Overlap of every box of ``boxes1`` with every box of ``boxes2``.

    Args:
        boxes1 (np.ndarray): Shape (N, 4), xyxy; usually detections.
        boxes2 (np.ndarray): Shape (M, 4), xyxy; usually ground truths.
        ioa_columns (np.ndarray, optional): Bool, shape (M,): boxes of
            ``boxes2`` measured by intersection over the area of the
            ``boxes1`` box (IoA) instead of IoU, as ignore regions are.

    Returns:
        np.ndarray: Shape (N, M); 0 where the denominator is 0.
    """
    x1 = np.maximum(boxes1[:, None, 0], boxes2[None, :, 0])
    y1 = np.maximum(boxes1[:, None, 1], boxes2[None, :, 1])
    x2 = np.minimum(boxes1[:, None, 2], boxes2[None, :, 2])
    y2 = np.minimum(boxes1[:, None, 3], boxes2[None, :, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area1 = ((boxes1[:, 2] - boxes1[:, 0]) *
             (boxes1[:, 3] - boxes1[:, 1]))[:, None]
    area2 = ((boxes2[:, 2] - boxes2[:, 0]) *
             (boxes2[:, 3] - boxes2[:, 1]))[None, :]
    union = area1 + area2 - inter
    if ioa_columns is not None:
        union = np.where(ioa_columns[None, :], area1, union)
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.where(union > 0, inter / union, 0.)
