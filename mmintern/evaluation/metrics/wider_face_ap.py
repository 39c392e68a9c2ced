"""WIDER FACE easy / medium / hard AP, a GV-B detection metric."""
from typing import Optional, Sequence

from mmengine.evaluator import BaseMetric

from mmintern.registry import register_metric
from ..functional import WIDER_FACE_SETTINGS, wider_face_eval
from .utils import read_detections, require, to_numpy


@register_metric
class WiderFaceAP(BaseMetric):
    """AP of face detection as the official WIDER FACE evaluation gives it.

    Reports ``AP_easy``, ``AP_medium`` and ``AP_hard`` in percent, rounded to
    2 decimals; ``nan`` for a setting that keeps no face in any image. Score
    normalisation, the 1000-threshold PR curve and the matching are
    documented in :mod:`mmintern.evaluation.functional.wider_face`.

    Each data sample (a dict from ``DetDataSample.to_dict()``, or the data
    element itself) is read as follows; tensors and mmdet box types are
    converted to numpy:

    * ``pred_instances['bboxes']`` (D, 4) xyxy and ``['scores']`` (D,).
    * ``gt_instances['bboxes']`` (G, 4) xyxy: all the faces of the image.
    * ``gt_instances['easy']``, ``['medium']``, ``['hard']`` (one per
      setting), bool (G,): the faces the setting keeps, i.e. the keep lists
      of ``wider_easy_val.mat`` etc. as masks; the other faces are ignored.

    Args:
        settings (Sequence[str]): Settings to report; each must be a key of
            ``gt_instances``. Defaults to ``('easy', 'medium', 'hard')``.
        num_thresholds (int): Points of the PR curve. Defaults to 1000.
        iou_thr (float): Overlap needed for a match. Defaults to 0.5.
        collect_device (str): Where results are gathered across ranks,
            ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Prefix of the metric names. Defaults to
            ``'wider_face'``.
    """
    default_prefix: Optional[str] = 'wider_face'

    def __init__(self,
                 settings: Sequence[str] = WIDER_FACE_SETTINGS,
                 num_thresholds: int = 1000,
                 iou_thr: float = 0.5,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if isinstance(settings, str) or len(settings) == 0:
            raise ValueError(f'settings must be a non-empty sequence of '
                             f'names such as {WIDER_FACE_SETTINGS}, got '
                             f'{settings!r}')
        if num_thresholds < 1:
            raise ValueError(
                f'num_thresholds must be >= 1, got {num_thresholds}')
        self.settings = tuple(settings)
        self.num_thresholds = num_thresholds
        self.iou_thr = iou_thr

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Collect the boxes and keep flags of each image as numpy arrays."""
        for sample in data_samples:
            pred_bboxes, pred_scores, gt_bboxes, gt = read_detections(sample)
            keep = {}
            for name in self.settings:
                keep[name] = to_numpy(require(gt, name, 'gt_instances'),
                                      bool).reshape(-1)
                if len(keep[name]) != len(gt_bboxes):
                    raise ValueError(
                        f'gt_instances.{name} has {len(keep[name])} flags '
                        f'for {len(gt_bboxes)} faces; it needs one per face')
            self.results.append(
                dict(
                    pred_bboxes=pred_bboxes,
                    pred_scores=pred_scores,
                    gt_bboxes=gt_bboxes,
                    keep=keep))

    def compute_metrics(self, results: list) -> dict:
        """AP of each setting, in percent."""
        aps = wider_face_eval(results, self.settings, self.num_thresholds,
                              self.iou_thr)
        return {f'AP_{name}': round(100 * ap, 2) for name, ap in aps.items()}
