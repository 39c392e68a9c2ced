"""Evaluation of mmintern: metrics registered in mmengine's root METRICS.

Importing it registers the metrics; it never imports mmdet or mmseg.
"""
from .metrics import CityPersonsMissRate, WiderFaceAP

__all__ = ['CityPersonsMissRate', 'WiderFaceAP']
