"""Freeze and unfreeze parts of the model on a schedule."""
from typing import Dict, List, Optional, Sequence

from mmengine.hooks import Hook

from mmintern.registry import register_hook
from .schedule_utils import active_index, sort_schedule, unwrap_model


@register_hook
class FreezeScheduleHook(Hook):
    """Freeze and unfreeze sub-modules of the model on a schedule.

    INTERN's stages often train a new head on a frozen backbone first and
    unfreeze it later. Each schedule entry starts at ``iter`` (or ``epoch``
    with ``by_epoch=True``; counts of *finished* iterations/epochs, so
    ``iter=100`` holds from the 101st iteration on) and lists sub-modules,
    by attribute name (dotted paths such as ``'backbone.stem'`` work), to
    ``freeze`` and to ``unfreeze``. The state at a step is all entries whose
    start <= that step applied in order, so a module frozen at ``iter=0``
    stays frozen until an entry unfreezes it.

    The state is derived from the step alone and nothing is kept in the
    checkpoint: ``before_train`` applies the state of ``runner.iter``
    (``runner.epoch``), which is 0 for a fresh run and the resumed step for a
    resumed one, so a run resumed after a boundary trains exactly like an
    uninterrupted one.

    Frozen modules get ``requires_grad=False`` and eval mode. The loop puts
    the whole model back into train mode (every iteration for
    ``IterBasedTrainLoop``, every epoch for ``EpochBasedTrainLoop``), so eval
    mode is re-applied before every iteration. Unfreezing restores the
    ``requires_grad`` each parameter had when training started (a backbone's
    own ``frozen_stages`` stay frozen) and train mode.

    The optimizer is built before this hook runs and holds every parameter,
    frozen ones included. That is fine: a parameter with
    ``requires_grad=False`` gets no gradient, its ``.grad`` stays ``None``
    (``zero_grad`` sets gradients to ``None``), and SGD, Adam and AdamW skip
    such parameters entirely: no update, no weight decay, no momentum step.
    Optimizers that touch parameters without gradients (e.g. ones applying
    decay to every parameter) would move frozen weights.

    Args:
        schedule (list[dict]): ``dict(iter=..., freeze=[...], unfreeze=[...])``
            entries (``epoch=`` with ``by_epoch=True``); ``freeze`` and
            ``unfreeze`` default to empty.
        by_epoch (bool): Whether starts are epochs. Defaults to False.

    Example:
        >>> custom_hooks = [dict(type='FreezeScheduleHook', schedule=[
        ...     dict(iter=0, freeze=['backbone']),
        ...     dict(iter=1000, unfreeze=['backbone'])])]
    """
    priority = 'VERY_HIGH'

    def __init__(self, schedule: Sequence[dict], by_epoch: bool = False):
        self.by_epoch = by_epoch
        self.key = 'epoch' if by_epoch else 'iter'
        self.schedule = sort_schedule(schedule, by_epoch, 'FreezeScheduleHook')
        for entry in self.schedule:
            unknown = set(entry) - {self.key, 'freeze', 'unfreeze'}
            if unknown:
                raise KeyError(f'FreezeScheduleHook: unknown keys '
                               f'{sorted(unknown)} in {entry}')
            for action in ('freeze', 'unfreeze'):
                names = entry.get(action, [])
                entry[action] = [names] if isinstance(names, str) \
                    else list(names)
        self._index = None  # the applied entry
        self._frozen: List[str] = []
        self._initial_grad: Dict[str, Dict[str, bool]] = {}

    def _module(self, model, name):
        try:
            return model.get_submodule(name)
        except AttributeError:
            valid = [n for n, _ in model.named_children()]
            raise ValueError(
                f'FreezeScheduleHook: {type(model).__name__} has no module '
                f'{name!r}; its top-level modules are {valid}') from None

    def _now(self, runner) -> int:
        return runner.epoch if self.by_epoch else runner.iter

    def _frozen_at(self, index: Optional[int]) -> List[str]:
        frozen: List[str] = []
        if index is None:
            return frozen
        for entry in self.schedule[:index + 1]:
            for name in entry['unfreeze']:
                if name in frozen:
                    frozen.remove(name)
            for name in entry['freeze']:
                if name not in frozen:
                    frozen.append(name)
        return frozen

    def _apply(self, runner, index, why):
        model = unwrap_model(runner)
        frozen = self._frozen_at(index)
        for name in self._initial_grad:
            module = self._module(model, name)
            if name in frozen:
                for param in module.parameters():
                    param.requires_grad_(False)
                module.eval()
            else:
                initial = self._initial_grad[name]
                for pname, param in module.named_parameters():
                    param.requires_grad_(initial[pname])
                module.train(model.training)
        # a module frozen inside an unfrozen one stays frozen
        for name in frozen:
            for param in self._module(model, name).parameters():
                param.requires_grad_(False)
        if frozen != self._frozen or self._index is None:
            runner.logger.info(
                f'FreezeScheduleHook: {why} {self.key} {self._now(runner)}: '
                f'frozen {frozen or "nothing"}')
        self._index, self._frozen = index, frozen

    def before_train(self, runner) -> None:
        model = unwrap_model(runner)
        names = []
        for entry in self.schedule:
            names += entry['freeze'] + entry['unfreeze']
        self._initial_grad = {}
        for name in dict.fromkeys(names):
            self._initial_grad[name] = {
                pname: p.requires_grad
                for pname, p in self._module(model, name).named_parameters()
            }
        self._index = None
        index = active_index(self.schedule, self.key, self._now(runner))
        why = 'resumed at' if self._now(runner) > 0 else 'starting at'
        self._apply(runner, index, why)

    def _step(self, runner):
        index = active_index(self.schedule, self.key, self._now(runner))
        if index != self._index:
            self._apply(runner, index, 'switched at')

    def before_train_epoch(self, runner) -> None:
        if self.by_epoch:
            self._step(runner)

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        if not self.by_epoch:
            self._step(runner)
        model = unwrap_model(runner)
        for name in self._frozen:
            self._module(model, name).eval()
