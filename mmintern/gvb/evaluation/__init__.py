from .gvb_evaluator import (GVBEvaluator, GVBTable, error, error_reduction,
                            to_gvb_metrics)
from .reference import (GVBDataset, dataset_info, gvb_datasets, reference_row,
                        reference_rows)

__all__ = [
    'GVBEvaluator', 'GVBTable', 'error', 'error_reduction', 'to_gvb_metrics',
    'GVBDataset', 'dataset_info', 'gvb_datasets', 'reference_row',
    'reference_rows'
]
