"""Metrics mm* lack: GV-B detection metrics and zero-shot accuracy."""
from .miss_rate import CityPersonsMissRate
from .wider_face_ap import WiderFaceAP
from .zero_shot import DEFAULT_TEMPLATES, ZeroShotAccuracy, zero_shot_classifier

__all__ = [
    'CityPersonsMissRate', 'WiderFaceAP', 'DEFAULT_TEMPLATES',
    'ZeroShotAccuracy', 'zero_shot_classifier'
]
