from .gvb_evaluator import GVBEvaluator, error, error_reduction
from .reference import (GVBDataset, gvb_datasets, reference_row,
                        reference_rows)

__all__ = [
    'GVBEvaluator', 'error', 'error_reduction', 'GVBDataset', 'gvb_datasets',
    'reference_row', 'reference_rows'
]
