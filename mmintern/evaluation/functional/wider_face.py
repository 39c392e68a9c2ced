"""Average precision of the WIDER FACE easy / medium / hard settings.

Numpy only. It follows the official evaluation (``evaluation.m`` of the
WIDER FACE toolkit, Yang et al., CVPR 2016), as reported in the GV-B table of
INTERN (https://arxiv.org/abs/2111.08687):

* Every face of an image is a ground truth; a setting *keeps* some of them
  (``wider_easy_val.mat`` etc.) and ignores the others.
* The scores of all detections of all images are min-max normalised to
  [0, 1] once, and the PR curve is sampled at the 1000 thresholds
  ``1 - t / 1000``, ``t = 1 .. 1000``.
* Each detection, highest score first, is compared with the ground truth it
  overlaps most. At IoU >= 0.5 with an ignored face it is dropped from the
  proposals (neither TP nor FP); with a kept face it recalls that face if it
  is not recalled yet, else it is a proposal that adds no recall (an FP).
  Unlike VOC, it never falls back to a second-best face.
* Images without any ground-truth face are skipped, as the official code
  does: their detections are not proposals.
* AP is the VOC all-point interpolated area under the sampled curve.

* Overlaps as the toolkit's ``boxoverlap`` measures them: widths and
  heights ``x2 - x1 + 1`` (boxes ``(x1, y1, x1 + w, y1 + h)`` from the
  ``[x y w h]`` annotations), so the zero-size faces of the annotations
  (``w = h = 0``) cover one pixel and a detection on them is a match: the
  ground truth given as predictions scores AP 100 in every setting.
"""
import math
from typing import Dict, List, Sequence

import numpy as np

from .boxes import as_boxes, box_overlaps

__all__ = [
    'WIDER_FACE_SETTINGS', 'normalize_scores', 'score_thresholds',
    'image_pr_counts', 'wider_face_ap',
    'wider_face_eval'
]

WIDER_FACE_SETTINGS = ('easy', 'medium', 'hard')


def normalize_scores(scores: Sequence[np.ndarray]) -> List[np.ndarray]:
    """Min-max normalise the scores of all images together.

    Args:
        scores (Sequence[np.ndarray]): Scores of each image.

    Returns:
        List[np.ndarray]: The scores in [0, 1]. When all scores are equal
        they all become 1, passing every threshold (the official code divides
        by zero there).
    """
    scores = [np.asarray(s, dtype=np.float64).reshape(-1) for s in scores]
    flat = np.concatenate(scores) if scores else np.zeros(0)
    if flat.size == 0:
        return scores
    low, high = flat.min(), flat.max()
    if high == low:
        return [np.ones_like(s) for s in scores]
    return [(s - low) / (high - low) for s in scores]


def score_thresholds(num_thresholds: int = 1000) -> np.ndarray:
    """The official thresholds ``1 - t / n`` for ``t = 1 .. n``, decreasing.

    Args:
        num_thresholds (int): ``n``. Defaults to 1000.

    Returns:
        np.ndarray: Shape (n,), from ``1 - 1 / n`` down to 0.
    """
    if num_thresholds < 1:
        raise ValueError(f'num_thresholds must be >= 1, got {num_thresholds}')
    return 1. - np.arange(1, num_thresholds + 1) / num_thresholds


def image_pr_counts(pred_bboxes: np.ndarray,
                    pred_scores: np.ndarray,
                    gt_bboxes: np.ndarray,
                    keep: np.ndarray,
                    thresholds: np.ndarray,
                    iou_thr: float = 0.5) -> np.ndarray:
    """Proposals and recalled faces of one image at each threshold.

    Args:
        pred_bboxes (np.ndarray): Shape (D, 4), xyxy.
        pred_scores (np.ndarray): Normalised scores, shape (D,).
        gt_bboxes (np.ndarray): All faces, shape (G, 4), xyxy.
        keep (np.ndarray): Bool, shape (G,): the faces the setting counts.
        thresholds (np.ndarray): Score thresholds, shape (T,).
        iou_thr (float): Overlap needed for a match. Defaults to 0.5.

    Returns:
        np.ndarray: Shape (T, 2): the number of proposals (detections with
        score >= threshold that are not ignored) and of recalled kept faces.
    """
    counts = np.zeros((len(thresholds), 2))
    if len(pred_bboxes) == 0 or len(gt_bboxes) == 0:
        return counts
    order = np.argsort(-pred_scores, kind='stable')
    pred_bboxes, pred_scores = pred_bboxes[order], pred_scores[order]
    ious = box_overlaps(pred_bboxes, gt_bboxes, pixel_inclusive=True)
    is_proposal = np.ones(len(pred_bboxes), dtype=bool)
    recalled = np.zeros(len(gt_bboxes), dtype=bool)
    num_recalled = np.zeros(len(pred_bboxes) + 1)
    for d in range(len(pred_bboxes)):
        best = int(np.argmax(ious[d]))
        if ious[d, best] >= iou_thr:
            if keep[best]:
                recalled[best] = True
            else:
                is_proposal[d] = False
        num_recalled[d + 1] = recalled.sum()
    num_proposals = np.concatenate([[0], np.cumsum(is_proposal)])
    # Detections are sorted by decreasing score, so those passing a
    # threshold are a prefix of them.
    passed = (pred_scores[None, :] >= thresholds[:, None]).sum(axis=1)
    counts[:, 0] = num_proposals[passed]
    counts[:, 1] = num_recalled[passed]
    return counts


def wider_face_ap(pred_bboxes: Sequence[np.ndarray],
                  pred_scores: Sequence[np.ndarray],
                  gt_bboxes: Sequence[np.ndarray],
                  keeps: Sequence[np.ndarray],
                  num_thresholds: int = 1000,
                  iou_thr: float = 0.5) -> float:
    """AP of one setting over a set of images.

    Args:
        pred_bboxes (Sequence[np.ndarray]): Per image, shape (D, 4), xyxy.
        pred_scores (Sequence[np.ndarray]): Per image, raw scores (D,); they
            are normalised here over all images.
        gt_bboxes (Sequence[np.ndarray]): Per image, all faces (G, 4).
        keeps (Sequence[np.ndarray]): Per image, bool (G,): kept faces.
        num_thresholds (int): Points of the PR curve. Defaults to 1000.
        iou_thr (float): Overlap needed for a match. Defaults to 0.5.

    Returns:
        float: AP as a fraction, or NaN when no face is kept in any image.
    """
    lengths = {len(pred_bboxes), len(pred_scores), len(gt_bboxes), len(keeps)}
    if len(lengths) != 1:
        raise ValueError(f'pred_bboxes, pred_scores, gt_bboxes and keeps must '
                         f'have one entry per image, got lengths {lengths}')
    thresholds = score_thresholds(num_thresholds)
    scores = normalize_scores(pred_scores)
    counts = np.zeros((num_thresholds, 2))
    num_faces = 0
    for i, (dets, det_scores, gts, keep) in enumerate(
            zip(pred_bboxes, scores, gt_bboxes, keeps)):
        dets = as_boxes(dets, f'pred_bboxes[{i}]')
        gts = as_boxes(gts, f'gt_bboxes[{i}]')
        keep = np.asarray(keep, dtype=bool).reshape(-1)
        if len(det_scores) != len(dets) or len(keep) != len(gts):
            raise ValueError(
                f'image {i}: {len(dets)} boxes with {len(det_scores)} scores,'
                f' {len(gts)} faces with {len(keep)} keep flags; each box '
                'needs exactly one')
        num_faces += int(keep.sum())
        counts += image_pr_counts(dets, det_scores, gts, keep, thresholds,
                                  iou_thr)
    if num_faces == 0:
        return math.nan
    # No proposal means no recall either: precision 0 there leaves the AP
    # unchanged (the official code's 0 / 0 = NaN never reaches it).
    proposals, recalled = counts[:, 0], counts[:, 1]
    precision = np.divide(recalled, proposals,
                          out=np.zeros_like(recalled), where=proposals > 0)
    from mmdet.evaluation.functional import average_precision
    # VOC all-point interpolation: the area under the precision envelope.
    return float(average_precision(recalled / num_faces, precision, 'area'))


def wider_face_eval(results: Sequence[dict],
                    settings: Sequence[str] = WIDER_FACE_SETTINGS,
                    num_thresholds: int = 1000,
                    iou_thr: float = 0.5) -> Dict[str, float]:
    """AP of each setting, as fractions.

    Args:
        results (Sequence[dict]): One dict per image with ``pred_bboxes``
            (D, 4), ``pred_scores`` (D,), ``gt_bboxes`` (G, 4) and ``keep``,
            a dict from setting name to a bool array (G,).
        settings (Sequence[str]): The settings to evaluate. Defaults to
            ``('easy', 'medium', 'hard')``.
        num_thresholds (int): Points of the PR curve. Defaults to 1000.
        iou_thr (float): Overlap needed for a match. Defaults to 0.5.

    Returns:
        Dict[str, float]: Setting name to AP.
    """
    if len(results) == 0:
        raise ValueError('no images to evaluate: results is empty')
    aps = {}
    for name in settings:
        keeps = []
        for i, result in enumerate(results):
            if name not in result['keep']:
                raise KeyError(f'image {i} has no keep flags for setting '
                               f'{name!r}; it has {list(result["keep"])}')
            keeps.append(result['keep'][name])
        aps[name] = wider_face_ap([r['pred_bboxes'] for r in results],
                                  [r['pred_scores'] for r in results],
                                  [r['gt_bboxes'] for r in results], keeps,
                                  num_thresholds, iou_thr)
    return aps
