"""Box helpers shared by the detection metrics (numpy boxes).

Boxes are ``(x1, y1, x2, y2)``. By default in continuous coordinates, as in
mmdet: a box's width is ``x2 - x1``. ``pixel_inclusive=True`` measures them
as official toolkits written in MATLAB do (WIDER FACE's ``boxoverlap``):
``x2 - x1 + 1``, so a box with ``x1 == x2`` covers one pixel column.
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
                 ioa_columns: Optional[np.ndarray] = None,
                 pixel_inclusive: bool = False) -> np.ndarray:
    """Overlap of every box of ``boxes1`` with every box of ``boxes2``.

    mmdet's ``bbox_overlaps``: IoU, and for the ``ioa_columns`` its
    intersection over the area of the ``boxes1`` box (``'iof'``).

    Args:
        boxes1 (np.ndarray): Shape (N, 4), xyxy; usually detections.
        boxes2 (np.ndarray): Shape (M, 4), xyxy; usually ground truths.
        ioa_columns (np.ndarray, optional): Bool, shape (M,): boxes of
            ``boxes2`` measured by intersection over the area of the
            ``boxes1`` box (IoA) instead of IoU, as ignore regions are.
        pixel_inclusive (bool): Widths and heights ``+ 1`` (mmdet's
            ``use_legacy_coordinate``). Defaults to False.

    Returns:
        np.ndarray: Shape (N, M); 0 where the denominator is 0.
    """
    from mmdet.evaluation.functional import bbox_overlaps
    iou = bbox_overlaps(boxes1, boxes2, mode='iou',
                        use_legacy_coordinate=pixel_inclusive)
    if ioa_columns is None or not np.any(ioa_columns):
        return iou
    return np.where(ioa_columns[None, :],
                    bbox_overlaps(boxes1, boxes2, mode='iof',
                                  use_legacy_coordinate=pixel_inclusive),
                    iou)
