"""What the stage hooks share: the unwrapped model and step schedules."""
from copy import deepcopy
from typing import List, Optional, Sequence

from mmengine.model import is_model_wrapper


def unwrap_model(runner):
    """The model inside any DDP/FSDP wrapper."""
    return runner.model.module if is_model_wrapper(runner.model) \
        else runner.model


def sort_schedule(schedule: Sequence[dict], by_epoch: bool,
                  hook: str) -> List[dict]:
    """Check a ``[dict(iter|epoch=start, ...), ...]`` schedule and sort it
    by start. Each entry must have the start key of its unit (``iter`` or
    ``epoch``, as ``by_epoch`` says) and starts must be distinct."""
    key = 'epoch' if by_epoch else 'iter'
    entries, starts = [], set()
    for entry in schedule:
        if key not in entry:
            raise KeyError(f'{hook}: every schedule entry needs {key!r} '
                           f'(by_epoch={by_epoch}), got {dict(entry)}')
        start = int(entry[key])
        if start < 0 or start in starts:
            raise ValueError(f'{hook}: {key}={start} is negative or repeated')
        starts.add(start)
        entries.append(deepcopy(dict(entry)))
    if not entries:
        raise ValueError(f'{hook}: the schedule is empty')
    return sorted(entries, key=lambda e: e[key])


def active_index(schedule: List[dict], key: str, now: int) -> Optional[int]:
    """Index of the latest entry whose start <= ``now``; None before all."""
    index = None
    for i, entry in enumerate(schedule):
        if entry[key] <= now:
            index = i
    return index
