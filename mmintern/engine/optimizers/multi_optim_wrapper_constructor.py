"""One optimizer per sub-module, for models with their own train_step
that step several (a GAN's generator and discriminator).

mmengine builds an :class:`~mmengine.optim.OptimWrapperDict` from a config
with one entry per optimizer only through a constructor that knows how to
split the model; this one splits it by attribute name:

.. code-block:: python

    optim_wrapper = dict(
        constructor='MultiOptimWrapperConstructor',
        generator=dict(optimizer=dict(type='Adam', lr=1e-4)),
        discriminator=dict(optimizer=dict(type='Adam', lr=1e-4)))

builds ``optim_wrapper['generator']`` over ``model.generator``'s parameters
and ``optim_wrapper['discriminator']`` over ``model.discriminator``'s, each
with mmengine's default constructor (so ``paramwise_cfg`` works per entry).
"""
from mmengine.model import is_model_wrapper
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapperDict
from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class MultiOptimWrapperConstructor:

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg=None):
        if paramwise_cfg is not None:
            raise ValueError('MultiOptimWrapperConstructor: give '
                             'paramwise_cfg inside each entry, not beside '
                             'them')
        if not optim_wrapper_cfg:
            raise ValueError('MultiOptimWrapperConstructor: no entries; give '
                             'one per sub-module, e.g. generator=dict('
                             'optimizer=...)')
        self.constructors = {}
        for name, cfg in optim_wrapper_cfg.items():
            cfg = dict(cfg)
            paramwise = cfg.pop('paramwise_cfg', None)
            self.constructors[name] = DefaultOptimWrapperConstructor(
                cfg, paramwise)

    def __call__(self, model) -> OptimWrapperDict:
        if is_model_wrapper(model):
            model = model.module
        wrappers = {}
        for name, constructor in self.constructors.items():
            part = getattr(model, name, None)
            if part is None:
                raise AttributeError(
                    f'optim_wrapper entry {name!r}: {type(model).__name__} '
                    f'has no sub-module {name!r}; its sub-modules are '
                    f'{[n for n, _ in model.named_children()]}')
            wrappers[name] = constructor(part)
        return OptimWrapperDict(**wrappers)
