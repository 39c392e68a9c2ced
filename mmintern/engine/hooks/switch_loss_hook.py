"""Switch loss weights on a schedule."""
from typing import Optional, Sequence

from mmengine.hooks import Hook

from mmintern.registry import register_hook
from .schedule_utils import active_index, sort_schedule, unwrap_model


@register_hook
class SwitchLossHook(Hook):
    """Set the model's loss weights from a schedule.

    Within an INTERN stage the mix of losses changes (e.g. contrastive only,
    then contrastive plus SimSiam). The model keeps its loss weights in a
    dict attribute (``loss_weights`` by default) that its loss reads; this
    hook replaces that dict with the ``weights`` of the latest schedule entry
    whose ``iter`` (``epoch`` with ``by_epoch=True``; counts of finished
    iterations/epochs) is <= the current one. Losses missing from an entry's
    dict are whatever the model does with a missing key (typically off).

    The weights are not saved in checkpoints: ``before_train`` sets the
    weights of ``runner.iter`` (``runner.epoch``), the resumed step when the
    run resumed, so a run resumed past a switch uses the switched weights,
    the same as an uninterrupted one. Before the first entry's start the
    model's own weights are kept.

    Args:
        schedule (list[dict]): ``dict(iter=..., weights=dict(...))`` entries.
        attribute (str): The model's dict attribute. Defaults to
            ``'loss_weights'``.
        by_epoch (bool): Whether starts are epochs. Defaults to False.

    Example:
        >>> custom_hooks = [dict(type='SwitchLossHook', schedule=[
        ...     dict(iter=0, weights=dict(contrastive=1.0)),
        ...     dict(iter=50, weights=dict(contrastive=0.4, simsiam=0.2))])]
    """
    priority = 'VERY_HIGH'

    def __init__(self, schedule: Sequence[dict],
                 attribute: str = 'loss_weights', by_epoch: bool = False):
        self.by_epoch = by_epoch
        self.key = 'epoch' if by_epoch else 'iter'
        self.attribute = attribute
        self.schedule = sort_schedule(schedule, by_epoch, 'SwitchLossHook')
        for entry in self.schedule:
            if not isinstance(entry.get('weights'), dict) or \
                    set(entry) != {self.key, 'weights'}:
                raise ValueError('SwitchLossHook: entries are '
                                 f'dict({self.key}=..., weights=dict(...)), '
                                 f'got {entry}')
        self._index: Optional[int] = None

    def _now(self, runner) -> int:
        return runner.epoch if self.by_epoch else runner.iter

    def _apply(self, runner, why):
        index = active_index(self.schedule, self.key, self._now(runner))
        if index is None or index == self._index:
            return
        model = unwrap_model(runner)
        if not hasattr(model, self.attribute):
            raise AttributeError(f'SwitchLossHook: {type(model).__name__} '
                                 f'has no {self.attribute!r} to set')
        weights = dict(self.schedule[index]['weights'])
        setattr(model, self.attribute, weights)
        self._index = index
        runner.logger.info(f'SwitchLossHook: {why} {self.key} '
                           f'{self._now(runner)}: {self.attribute}={weights}')

    def before_train(self, runner) -> None:
        self._index = None
        self._apply(runner,
                    'resumed at' if self._now(runner) > 0 else 'starting at')

    def before_train_epoch(self, runner) -> None:
        if self.by_epoch:
            self._apply(runner, 'switched at')

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        if not self.by_epoch:
            self._apply(runner, 'switched at')
