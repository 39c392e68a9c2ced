"""Evaluation of mmintern: the metrics mm* lack (the GV-B table and its
evaluator are in :mod:`mmintern.gvb.evaluation`).

Importing it registers them.
"""
from .metrics import CityPersonsMissRate, WiderFaceAP

__all__ = ['CityPersonsMissRate', 'WiderFaceAP']
