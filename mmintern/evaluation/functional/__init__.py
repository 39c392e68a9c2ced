"""The numpy computations behind mmintern's metrics (box overlaps and the
VOC-style AP are mmdet's, imported where they are used), and the Frechet
feature distance of MF's evidence."""
from .boxes import as_boxes, box_overlaps
from .frechet import frechet_distance
from .miss_rate import (CITYPERSONS_SETTINGS, FPPI_REFERENCES,
                        MissRateSetting, citypersons_miss_rates,
                        evaluate_setting, log_average_miss_rate, match_image,
                        miss_rate_curve, setting_ignore_flags)
from .wider_face import (WIDER_FACE_SETTINGS, image_pr_counts,
                         normalize_scores, score_thresholds,
                         wider_face_ap, wider_face_eval)

__all__ = [
    'as_boxes', 'box_overlaps', 'CITYPERSONS_SETTINGS', 'FPPI_REFERENCES',
    'MissRateSetting', 'citypersons_miss_rates', 'evaluate_setting',
    'log_average_miss_rate', 'match_image', 'miss_rate_curve',
    'setting_ignore_flags', 'WIDER_FACE_SETTINGS', 'image_pr_counts',
    'normalize_scores', 'score_thresholds', 'wider_face_ap',
    'wider_face_eval', 'frechet_distance'
]
