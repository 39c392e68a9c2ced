from .multi_head_classifier import MultiHeadClassifier

__all__ = ['MultiHeadClassifier']
