"""The fast linear probe of GV-B: cache frozen features, solve with L-BFGS.

Example:
    >>> from mmintern.engine.linear_probe import (
    ...     extract_features, fit_linear_probe, predict)
    >>> train_x, train_y = extract_features(model, train_loader, 'train.pth')
    >>> test_x, test_y = extract_features(model, test_loader, 'test.pth')
    >>> probe = fit_linear_probe(train_x, train_y, num_classes=10)
    >>> logits = predict(probe, test_x)  # scored by the config's metric

``train_cfg = dict(type='LinearProbeLoop')`` runs the same probe from
``tools/train.py`` (:class:`LinearProbeLoop`).
"""
from .feature_cache import extract_features, one_pass_loader
from .loop import LinearProbeLoop
from .solver import (DEFAULT_WEIGHT_DECAYS, LinearProbeResult,
                     fit_linear_probe, predict, stratified_split, top1)

__all__ = [
    'extract_features', 'fit_linear_probe', 'predict', 'LinearProbeResult',
    'DEFAULT_WEIGHT_DECAYS', 'stratified_split', 'top1', 'LinearProbeLoop',
    'one_pass_loader'
]
