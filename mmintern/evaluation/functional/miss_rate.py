"""Log-average miss rate (MR^-2) of pedestrian detection, numpy only.

The Caltech Pedestrian protocol (Dollar et al., PAMI 2012) with the four
evaluation settings of CityPersons (Zhang et al., CVPR 2017), as reported in
the GV-B table of INTERN (https://arxiv.org/abs/2111.08687).

Conventions of this module:

* Boxes are ``(x1, y1, x2, y2)`` in continuous coordinates, as in mmdet: the
  height of a box is ``y2 - y1`` (no ``+ 1``).
* A setting's height and visibility ranges are closed on both ends, as in the
  official CityPersons evaluation code (``h < h_min or h > h_max`` makes a
  ground truth ignored), so a pedestrian exactly 75 px high counts in
  ``Reasonable_small`` and one with visibility exactly 0.65 counts in both
  ``Reasonable`` and ``Heavy``.
* Every ground truth that is ignored, whether a crowd / ignore region or a
  pedestrian outside the setting's range, is matched by intersection over the
  *detection's* area (IoA), as Caltech's ``bbGt`` does: a detection lying
  inside an ignored box is swallowed however small it is.
* Detections whose height is outside ``[h_min / 1.25, h_max * 1.25)`` are
  dropped before matching (the ``expFilter`` of the official code), so that a
  correct detection of a pedestrian just outside the range is not an FP.
* There is no per-image cap on the number of detections (the official code
  keeps the top 1000, more than any detector here produces).
"""
import math
from typing import Dict, List, NamedTuple, Sequence, Tuple

import numpy as np

from .boxes import as_boxes, box_overlaps

__all__ = [
    'MissRateSetting', 'CITYPERSONS_SETTINGS', 'FPPI_REFERENCES',
    'setting_ignore_flags', 'match_image',
    'miss_rate_curve', 'log_average_miss_rate', 'evaluate_setting',
    'citypersons_miss_rates'
]


class MissRateSetting(NamedTuple):
    """Which ground truths a setting evaluates.

    Args:
        height (Tuple[float, float]): Closed range of box heights, in px.
        visibility (Tuple[float, float]): Closed range of the visible
            fraction of the full-body box.
    """
    height: Tuple[float, float]
    visibility: Tuple[float, float]


# The four settings of the CityPersons benchmark, named as in the GV-B table.
CITYPERSONS_SETTINGS: Dict[str, MissRateSetting] = {
    'Reasonable': MissRateSetting((50, math.inf), (0.65, math.inf)),
    'Reasonable_small': MissRateSetting((50, 75), (0.65, math.inf)),
    'Heavy': MissRateSetting((50, math.inf), (0.20, 0.65)),
    'All': MissRateSetting((20, math.inf), (0.20, math.inf)),
}

# The 9 false-positive-per-image points MR^-2 averages over: [1e-2, 1e0].
FPPI_REFERENCES = np.logspace(-2, 0, 9)

# Detections down to h_min / 1.25 and up to h_max * 1.25 are kept.
_HEIGHT_EXPANSION = 1.25
# Where a miss rate of 0 is clamped before the log.
_MIN_MISS_RATE = 1e-10


def _as_vector(values, length: int, name: str, dtype=np.float64):
    values = np.asarray(values, dtype=dtype).reshape(-1)
    if values.shape[0] != length:
        raise ValueError(f'{name} must have one value per box ({length}), '
                         f'got {values.shape[0]}')
    return values


def setting_ignore_flags(gt_bboxes: np.ndarray, gt_visibility: np.ndarray,
                         gt_ignore: np.ndarray,
                         setting: MissRateSetting) -> np.ndarray:
    """Ground truths a setting ignores: flagged ones and those out of range.

    Args:
        gt_bboxes (np.ndarray): Shape (G, 4), xyxy.
        gt_visibility (np.ndarray): Shape (G,), visible fraction.
        gt_ignore (np.ndarray): Bool, shape (G,): crowd / ignore regions.
        setting (MissRateSetting): The ranges that count.

    Returns:
        np.ndarray: Bool, shape (G,).
    """
    heights = gt_bboxes[:, 3] - gt_bboxes[:, 1]
    (h_min, h_max), (v_min, v_max) = setting.height, setting.visibility
    outside = ((heights < h_min) | (heights > h_max) | (gt_visibility < v_min)
               | (gt_visibility > v_max))
    return gt_ignore | outside


def match_image(det_bboxes: np.ndarray,
                det_scores: np.ndarray,
                gt_bboxes: np.ndarray,
                gt_ignore: np.ndarray,
                iou_thr: float = 0.5) -> Tuple[np.ndarray, np.ndarray]:
    """Greedy matching of one image's detections, highest score first.

    A detection takes the unmatched counting ground truth it overlaps most
    (IoU >= ``iou_thr``); failing that, the ignored box it overlaps most (IoA
    >= ``iou_thr``), which may swallow any number of detections.

    Args:
        det_bboxes (np.ndarray): Shape (D, 4), xyxy.
        det_scores (np.ndarray): Shape (D,).
        gt_bboxes (np.ndarray): Shape (G, 4), xyxy.
        gt_ignore (np.ndarray): Bool, shape (G,).
        iou_thr (float): Overlap needed for a match. Defaults to 0.5.

    Returns:
        Tuple[np.ndarray, np.ndarray]: In the order of ``det_scores``: bool
        ``is_tp`` (matched a counting ground truth) and bool ``is_ignored``
        (matched an ignored box: neither TP nor FP).
    """
    num_dets = det_bboxes.shape[0]
    is_tp = np.zeros(num_dets, dtype=bool)
    is_ignored = np.zeros(num_dets, dtype=bool)
    if num_dets == 0 or gt_bboxes.shape[0] == 0:
        return is_tp, is_ignored
    overlaps = box_overlaps(det_bboxes, gt_bboxes, gt_ignore)
    taken = np.zeros(gt_bboxes.shape[0], dtype=bool)
    # Stable, so that equal scores keep their input order as in the
    # official code's mergesort.
    for d in np.argsort(-det_scores, kind='stable'):
        candidates = np.where(~gt_ignore & ~taken, overlaps[d], -1.)
        best = int(np.argmax(candidates))
        if candidates[best] >= iou_thr:
            taken[best] = True
            is_tp[d] = True
            continue
        candidates = np.where(gt_ignore, overlaps[d], -1.)
        if candidates.max() >= iou_thr:
            is_ignored[d] = True
    return is_tp, is_ignored


def miss_rate_curve(scores: np.ndarray, is_tp: np.ndarray,
                    is_fp: np.ndarray, num_gts: int,
                    num_images: int) -> Tuple[np.ndarray, np.ndarray]:
    """Miss rate against false positives per image, one point per detection.

    Args:
        scores (np.ndarray): Scores of the detections of all images.
        is_tp (np.ndarray): Bool, true positives.
        is_fp (np.ndarray): Bool, false positives. Detections that are
            neither (matched to an ignored box) do not move the curve.
        num_gts (int): Counting ground truths of all images.
        num_images (int): Images evaluated, with or without detections.

    Returns:
        Tuple[np.ndarray, np.ndarray]: ``fppi`` (non-decreasing) and
        ``miss_rate`` (non-increasing) after each detection, in decreasing
        score order.
    """
    if num_gts <= 0 or num_images <= 0:
        raise ValueError(f'num_gts and num_images must be positive, got '
                         f'{num_gts} and {num_images}')
    order = np.argsort(-np.asarray(scores), kind='stable')
    tp = np.cumsum(np.asarray(is_tp, dtype=bool)[order])
    fp = np.cumsum(np.asarray(is_fp, dtype=bool)[order])
    return fp / num_images, 1. - tp / num_gts


def log_average_miss_rate(fppi: np.ndarray,
                          miss_rate: np.ndarray,
                          references: np.ndarray = FPPI_REFERENCES) -> float:
    """MR^-2: the geometric mean of the miss rate at reference FPPIs.

    The miss rate at a reference ``f`` is the one of the last point of the
    curve whose FPPI is ``<= f`` (the lowest there, since the miss rate only
    falls along the curve); it is 1 where no point is, the curve starting at
    (0 FPPI, miss rate 1) before any detection.

    Args:
        fppi (np.ndarray): Non-decreasing false positives per image.
        miss_rate (np.ndarray): Miss rate at each point.
        references (np.ndarray): FPPIs to average over. Defaults to the 9
            points of ``np.logspace(-2, 0, 9)``.

    Returns:
        float: ``exp(mean(log(max(mr(f), 1e-10))))`` in [1e-10, 1].
    """
    last = np.searchsorted(fppi, references, side='right') - 1
    padded = np.concatenate([[1.], miss_rate])
    at_references = padded[last + 1]
    return float(
        np.exp(np.mean(np.log(np.maximum(at_references, _MIN_MISS_RATE)))))


def evaluate_setting(results: Sequence[dict],
                     setting: MissRateSetting,
                     iou_thr: float = 0.5) -> float:
    """MR^-2 of one setting over a set of images.

    Args:
        results (Sequence[dict]): One dict per image with ``pred_bboxes``
            (D, 4), ``pred_scores`` (D,), ``gt_bboxes`` (G, 4),
            ``gt_visibility`` (G,) and bool ``gt_ignore`` (G,).
        setting (MissRateSetting): The ranges that count.
        iou_thr (float): Overlap needed for a match. Defaults to 0.5.

    Returns:
        float: MR^-2 as a fraction, or NaN when no ground truth of any image
        falls in the setting (the miss rate is undefined then).
    """
    h_min, h_max = setting.height
    scores: List[np.ndarray] = []
    tps: List[np.ndarray] = []
    fps: List[np.ndarray] = []
    num_gts = 0
    for i, result in enumerate(results):
        det_bboxes = as_boxes(result['pred_bboxes'], f'pred_bboxes[{i}]')
        det_scores = _as_vector(result['pred_scores'], len(det_bboxes),
                                f'pred_scores[{i}]')
        gt_bboxes = as_boxes(result['gt_bboxes'], f'gt_bboxes[{i}]')
        visibility = _as_vector(result['gt_visibility'], len(gt_bboxes),
                                f'gt_visibility[{i}]')
        flagged = _as_vector(result['gt_ignore'], len(gt_bboxes),
                             f'gt_ignore[{i}]', dtype=bool)
        gt_ignore = setting_ignore_flags(gt_bboxes, visibility, flagged,
                                         setting)
        heights = det_bboxes[:, 3] - det_bboxes[:, 1]
        keep = ((heights >= h_min / _HEIGHT_EXPANSION)
                & (heights < h_max * _HEIGHT_EXPANSION))
        is_tp, is_ignored = match_image(det_bboxes[keep], det_scores[keep],
                                        gt_bboxes, gt_ignore, iou_thr)
        scores.append(det_scores[keep])
        tps.append(is_tp)
        fps.append(~is_tp & ~is_ignored)
        num_gts += int((~gt_ignore).sum())
    if num_gts == 0:
        return math.nan
    fppi, miss_rate = miss_rate_curve(
        np.concatenate(scores), np.concatenate(tps), np.concatenate(fps),
        num_gts, len(results))
    return log_average_miss_rate(fppi, miss_rate)


def citypersons_miss_rates(
        results: Sequence[dict],
        settings: Sequence[str] = tuple(CITYPERSONS_SETTINGS),
        iou_thr: float = 0.5) -> Dict[str, float]:
    """MR^-2 of each CityPersons setting, as fractions (lower is better).

    Args:
        results (Sequence[dict]): Per-image arrays, see
            :func:`evaluate_setting`.
        settings (Sequence[str]): Names in :data:`CITYPERSONS_SETTINGS`.
            Defaults to all four.
        iou_thr (float): Overlap needed for a match. Defaults to 0.5.

    Returns:
        Dict[str, float]: Setting name to MR^-2.
    """
    unknown = [s for s in settings if s not in CITYPERSONS_SETTINGS]
    if unknown:
        raise KeyError(f'unknown miss-rate settings {unknown}; valid names: '
                       f'{list(CITYPERSONS_SETTINGS)}')
    if len(results) == 0:
        raise ValueError('no images to evaluate: results is empty')
    return {
        name: evaluate_setting(results, CITYPERSONS_SETTINGS[name], iou_thr)
        for name in settings
    }
