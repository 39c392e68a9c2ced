"""Registries of mmintern.

Public types register in mmengine's *root* registries, so that a config
whose ``default_scope`` is ``mmpretrain``, ``mmdet`` or ``mmseg`` finds them:
those libraries' registries are children of the root, and siblings never see
each other. They also register in the child registries below, whose scope is
``mmintern``: for configs with ``default_scope='mmintern'`` and for the
explicit ``type='mmintern.MetaNet'`` form (a scoped name is looked up in
that registry only, not in its parents).
"""
from mmengine.registry import MODELS as ROOT_MODELS
from mmengine.registry import Registry

__all__ = ['ROOT_MODELS', 'MODELS', 'register_model']

MODELS = Registry(
    'model', parent=ROOT_MODELS, scope='mmintern',
    locations=['mmintern.models'])


def register_model(cls):
    """Class decorator: register a model type in the root and in mmintern."""
    ROOT_MODELS.register_module(module=cls)
    MODELS.register_module(module=cls)
    return cls
