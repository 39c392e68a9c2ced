"""Registries of mmintern.

Public types register in mmengine's *root* registries, so that a config
whose ``default_scope`` is ``mmpretrain``, ``mmdet`` or ``mmseg`` finds them:
those libraries' registries are children of the root, and siblings never see
each other. They also register in the child registries below, whose scope is
``mmintern``: for configs with ``default_scope='mmintern'`` and for the
explicit ``type='mmintern.MetaNet'`` form (a scoped name is looked up in
that registry only, not in its parents).
"""
from mmengine.registry import DATA_SAMPLERS as ROOT_DATA_SAMPLERS
from mmengine.registry import DATASETS as ROOT_DATASETS
from mmengine.registry import EVALUATOR as ROOT_EVALUATOR
from mmengine.registry import HOOKS as ROOT_HOOKS
from mmengine.registry import LOOPS as ROOT_LOOPS
from mmengine.registry import METRICS as ROOT_METRICS
from mmengine.registry import MODELS as ROOT_MODELS
from mmengine.registry import TRANSFORMS as ROOT_TRANSFORMS
from mmengine.registry import Registry

__all__ = [
    'ROOT_MODELS', 'MODELS', 'DATASETS', 'METRICS', 'EVALUATOR',
    'register_model', 'register_dataset', 'register_metric',
    'register_evaluator', 'HOOKS', 'register_hook', 'TRANSFORMS',
    'register_transform', 'DATA_SAMPLERS', 'register_sampler', 'LOOPS',
    'register_loop', 'SEARCHERS', 'REWARDS'
]


def _child(root: Registry, *locations: str) -> Registry:
    """mmintern's child of a root registry; ``locations`` are imported on
    the first lookup in it."""
    return Registry(root.name, parent=root, scope='mmintern',
                    locations=list(locations))


# The depth head is a lazy location: it subclasses an mmseg head, and
# ``import mmintern`` imports no mmseg.
MODELS = _child(ROOT_MODELS, 'mmintern.models',
                'mmintern.models.heads.dense_depth_head')
DATASETS = _child(ROOT_DATASETS, 'mmintern.datasets', 'mmintern.gvb.datasets')
METRICS = _child(ROOT_METRICS, 'mmintern.evaluation')
HOOKS = _child(ROOT_HOOKS, 'mmintern.engine')
LOOPS = _child(ROOT_LOOPS, 'mmintern.engine')
EVALUATOR = _child(ROOT_EVALUATOR, 'mmintern.gvb.evaluation')
TRANSFORMS = _child(ROOT_TRANSFORMS, 'mmintern.datasets.transforms')
DATA_SAMPLERS = _child(ROOT_DATA_SAMPLERS, 'mmintern.datasets')
# The architecture search's own (tools/search.py builds from them).
SEARCHERS = Registry('searcher', scope='mmintern',
                     locations=['mmintern.search'])
REWARDS = Registry('search reward', scope='mmintern',
                   locations=['mmintern.search'])


def _registrar(root: Registry, child: Registry):

    def register(cls):
        root.register_module(module=cls)
        child.register_module(module=cls)
        return cls

    register.__doc__ = (f'Class decorator: register a type in the root '
                        f'{root.name!r} registry and in mmintern\'s.')
    return register


register_model = _registrar(ROOT_MODELS, MODELS)
register_dataset = _registrar(ROOT_DATASETS, DATASETS)
register_metric = _registrar(ROOT_METRICS, METRICS)
register_evaluator = _registrar(ROOT_EVALUATOR, EVALUATOR)
register_hook = _registrar(ROOT_HOOKS, HOOKS)
register_loop = _registrar(ROOT_LOOPS, LOOPS)
register_transform = _registrar(ROOT_TRANSFORMS, TRANSFORMS)
register_sampler = _registrar(ROOT_DATA_SAMPLERS, DATA_SAMPLERS)
