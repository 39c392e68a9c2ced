"""Registries of mmintern.

Public types register in mmengine's *root* registries (``ROOT_MODELS``), so
that a config whose ``default_scope`` is ``mmpretrain``, ``mmdet`` or
``mmseg`` finds them: those libraries' registries are children of the root,
and siblings never see each other. The child registries below carry the
``mmintern`` scope, for configs with ``default_scope='mmintern'`` and for the
explicit ``mmintern.MetaNet`` form; they resolve our types through the root.
"""
from mmengine.registry import MODELS as ROOT_MODELS
from mmengine.registry import Registry

__all__ = ['ROOT_MODELS', 'MODELS']

MODELS = Registry(
    'model', parent=ROOT_MODELS, scope='mmintern',
    locations=['mmintern.models'])
