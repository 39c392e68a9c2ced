"""Reading data samples into numpy, without importing mmdet."""
from typing import Any, Optional, Tuple

import numpy as np

from ..functional import as_boxes


def field(sample: Any, key: str, default: Any = None) -> Any:
    """``sample[key]`` of a dict or a data element, ``default`` if absent."""
    # Dicts (what mmengine's Evaluator passes, from ``to_dict()``) and
    # mmengine's data elements both have ``get``.
    value = sample.get(key, None) if sample is not None else None
    return default if value is None else value


def to_numpy(value: Any, dtype: Optional[type] = np.float64) -> np.ndarray:
    """A tensor, an mmdet box type or an array-like as a numpy array."""
    # mmdet's box types (HorizontalBoxes) keep their tensor in ``.tensor``.
    if hasattr(value, 'tensor'):
        value = value.tensor
    if hasattr(value, 'detach'):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=dtype)


def require(sample: Any, key: str, where: str) -> Any:
    """``sample[key]``, or a KeyError naming what is missing and what is."""
    value = field(sample, key)
    if value is None:
        present = list(sample.keys()) if hasattr(sample, 'keys') else []
        raise KeyError(f'{where} has no {key!r}; it has {present}')
    return value


def read_detections(sample: Any) -> Tuple[np.ndarray, np.ndarray, np.ndarray,
                                          Any]:
    """Predicted boxes and scores, ground-truth boxes of a detection sample.

    Returns:
        tuple: ``pred_bboxes`` (N, 4) xyxy, ``pred_scores`` (N,),
        ``gt_bboxes`` (M, 4) xyxy, and the ``gt_instances`` element for the
        metric's own per-box fields.
    """
    pred = require(sample, 'pred_instances', 'data sample')
    gt = require(sample, 'gt_instances', 'data sample')
    pred_bboxes = as_boxes(
        to_numpy(require(pred, 'bboxes', 'pred_instances')),
        'pred_instances.bboxes')
    pred_scores = to_numpy(require(pred, 'scores',
                                   'pred_instances')).reshape(-1)
    gt_bboxes = as_boxes(
        to_numpy(require(gt, 'bboxes', 'gt_instances')), 'gt_instances.bboxes')
    return pred_bboxes, pred_scores, gt_bboxes, gt
