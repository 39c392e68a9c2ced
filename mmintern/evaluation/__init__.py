"""Evaluation of mmintern: metrics mm* lack and the GV-B table.

Importing it registers them.
"""
from .gvb import (GVBEvaluator, GVBTable, gvb_datasets, reference_row,
                  reference_rows)
from .metrics import CityPersonsMissRate, WiderFaceAP

__all__ = [
    'CityPersonsMissRate', 'WiderFaceAP', 'GVBEvaluator', 'GVBTable',
    'gvb_datasets',
    'reference_row', 'reference_rows'
]
