"""A stand-in backbone that hands a task model the outputs of a shared trunk.

Up-E / Up-G (INTERN, https://arxiv.org/abs/2111.08687, Sec. 3.3) train one
trunk under several task models (an mmdet detector, an mmseg segmentor, an
mmpretrain classifier). Those models each build a ``backbone`` from their
config; :class:`TrunkView` is that backbone: it owns no parameters and calls
the trunk that :class:`MultiTaskExpert` binds to it.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from mmintern.registry import register_model

__all__ = ['TrunkView']


@register_model
class TrunkView(BaseModule):
    """A task model's backbone that forwards to a shared trunk.

    The trunk is held as a plain attribute, *not* a submodule: if every
    task model registered it, ``state_dict()`` and ``parameters()`` of the
    multi-task model would hold one copy of the trunk per task (saved
    several times, and given to the optimizer several times), and loading
    a checkpoint would need every copy. The owner
    (:class:`MultiTaskExpert`) registers the trunk once, as its
    ``backbone``, and :meth:`bind` s it here. As the trunk is not a child,
    ``.to()``, ``train()`` and ``init_weights()`` of a task model do not
    reach it; the owner's do.

    Args:
        indices (Sequence[int], optional): Positions, in the trunk's returned
            tuple, of the outputs to hand on, in this order. None hands on
            all of them. Defaults to None.
        init_cfg (dict | list, optional): Unused (no parameters); kept for
            the ``BaseModule`` interface.
    """

    def __init__(self,
                 indices: Optional[Sequence[int]] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if indices is not None:
            if isinstance(indices, int):
                indices = (indices, )
            indices = tuple(int(i) for i in indices)
            if not indices:
                raise ValueError('indices must select at least one output '
                                 '(None selects all)')
        self.indices = indices
        self._trunk = None

    def bind(self, trunk: nn.Module) -> 'TrunkView':
        """Make ``trunk`` the module this view calls (not a submodule)."""
        if not isinstance(trunk, nn.Module):
            raise TypeError(f'trunk must be an nn.Module, got '
                            f'{type(trunk).__name__}')
        # object.__setattr__ skips nn.Module.__setattr__, which would
        # register the trunk as a child (see the class docstring).
        object.__setattr__(self, '_trunk', trunk)
        return self

    @property
    def trunk(self) -> nn.Module:
        """The bound trunk."""
        if self._trunk is None:
            raise RuntimeError(
                'TrunkView has no trunk: it is the backbone of a task model '
                'of MultiTaskExpert, which binds its shared backbone to it; '
                'it cannot run on its own')
        return self._trunk

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        outs = self.trunk(x)
        if isinstance(outs, torch.Tensor):
            outs = (outs, )
        outs = tuple(outs)
        if self.indices is None:
            return outs
        bad = [i for i in self.indices if not -len(outs) <= i < len(outs)]
        if bad:
            raise IndexError(f'TrunkView indices {bad} are out of range: the '
                             f'trunk ({type(self.trunk).__name__}) returned '
                             f'{len(outs)} outputs')
        return tuple(outs[i] for i in self.indices)

    def extra_repr(self) -> str:
        trunk = 'unbound' if self._trunk is None else \
            f'{type(self._trunk).__name__} (shared, not a submodule)'
        return f'indices={self.indices}, trunk={trunk}'
