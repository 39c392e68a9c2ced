"""CityPersons log-average miss rate (MR^-2), a GV-B detection metric."""
from typing import Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from mmintern.registry import register_metric
from ..functional import CITYPERSONS_SETTINGS, as_boxes, citypersons_miss_rates
from .utils import field, read_detections, to_numpy


@register_metric
class CityPersonsMissRate(BaseMetric):
    """Log-average miss rate over FPPI in [1e-2, 1] of pedestrian detection.

    Reports ``MR_<setting>`` for the CityPersons settings ``Reasonable``,
    ``Reasonable_small``, ``Heavy`` and ``All``, in percent and rounded to 2
    decimals (lower is better). A perfect detector's miss rate, clamped to
    1e-10 before the log, reads 1e-8 % and so ``0.0``. A setting in which no
    ground truth of any image falls reads ``nan``. The protocol (ranges,
    matching, the 1.25 expansion of the detection height filter) is
    documented in :mod:`mmintern.evaluation.functional.miss_rate`.

    Each data sample (a dict from ``DetDataSample.to_dict()``, or the data
    element itself) is read as follows; tensors and mmdet box types are
    converted to numpy:

    * ``pred_instances['bboxes']`` (D, 4) xyxy and ``['scores']`` (D,);
      every prediction is taken as a pedestrian.
    * ``gt_instances['bboxes']`` (G, 4) xyxy: full-body boxes.
    * ``gt_instances['visibility']`` (G,), the visible fraction of each box;
      1.0 for every box when absent.
    * ``gt_instances['ignore_flags']`` (G,) bool, crowd or ignore boxes;
      none when absent.
    * ``ignored_instances['bboxes']`` (K, 4), when present: more ignore
      regions.

    Args:
        settings (Sequence[str]): Settings to report, names in
            :data:`CITYPERSONS_SETTINGS`. Defaults to all four.
        iou_thr (float): Overlap needed for a match. Defaults to 0.5.
        collect_device (str): Where results are gathered across ranks,
            ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Prefix of the metric names. Defaults to
            ``'citypersons'``.
    """
    default_prefix: Optional[str] = 'citypersons'

    def __init__(self,
                 settings: Sequence[str] = tuple(CITYPERSONS_SETTINGS),
                 iou_thr: float = 0.5,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        unknown = [s for s in settings if s not in CITYPERSONS_SETTINGS]
        if unknown:
            raise KeyError(f'unknown miss-rate settings {unknown}; valid '
                           f'names: {list(CITYPERSONS_SETTINGS)}')
        self.settings = tuple(settings)
        self.iou_thr = iou_thr

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Collect the boxes of each image as numpy arrays."""
        for sample in data_samples:
            pred_bboxes, pred_scores, gt_bboxes, gt = read_detections(sample)
            num_gts = len(gt_bboxes)
            visibility = to_numpy(field(gt, 'visibility',
                                        np.ones(num_gts))).reshape(-1)
            flags = to_numpy(field(gt, 'ignore_flags',
                                   np.zeros(num_gts)), bool).reshape(-1)
            for name, values in (('visibility', visibility),
                                 ('ignore_flags', flags)):
                if len(values) != num_gts:
                    raise ValueError(
                        f'gt_instances.{name} has {len(values)} values for '
                        f'{num_gts} boxes; it needs one per box')
            regions = as_boxes(
                to_numpy(field(field(sample, 'ignored_instances'), 'bboxes',
                               np.zeros((0, 4)))), 'ignored_instances.bboxes')
            num_regions = len(regions)
            self.results.append(
                dict(
                    pred_bboxes=pred_bboxes,
                    pred_scores=pred_scores,
                    gt_bboxes=np.concatenate([gt_bboxes, regions]),
                    gt_visibility=np.concatenate(
                        [visibility, np.ones(num_regions)]),
                    gt_ignore=np.concatenate(
                        [flags, np.ones(num_regions, dtype=bool)])))

    def compute_metrics(self, results: list) -> dict:
        """MR^-2 of each setting, in percent."""
        miss_rates = citypersons_miss_rates(results, self.settings,
                                            self.iou_thr)
        return {
            f'MR_{name}': round(100 * mr, 2)
            for name, mr in miss_rates.items()
        }
