"""Metrics of the GV-B benchmark that mmdet lacks."""
from .miss_rate import CityPersonsMissRate
from .wider_face_ap import WiderFaceAP

__all__ = ['CityPersonsMissRate', 'WiderFaceAP']
