from .multi_head_classifier import (LabelColumns, MultiHeadClassifier,
                                    share_label_columns)

__all__ = ['MultiHeadClassifier', 'LabelColumns', 'share_label_columns']
