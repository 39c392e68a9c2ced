"""GV-B's datasets and published results, shipped as package data."""
import json
import os.path as osp
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

REFERENCE_FILE = osp.join(osp.dirname(__file__), 'reference_results.json')
TASKS = ('classification', 'detection', 'segmentation', 'depth')


@dataclass(frozen=True)
class GVBDataset:
    """One of GV-B's 26 datasets, or a user's own, and how it is scored.

    A user's own dataset (``own=True``) has no published reference: its row
    of the table has no error reduction and no task mean counts it.
    """
    name: str
    title: str
    task: str
    metrics: Tuple[str, ...]
    higher_is_better: bool
    own: bool = False


def dataset_info(gvb: dict, task: Optional[str] = None) -> GVBDataset:
    """The :class:`GVBDataset` a config's ``gvb`` dict names.

    A GV-B key (``gvb.dataset='voc0712'``) gives the benchmark's entry. Any
    other name is the user's own dataset, described by the dict itself:
    ``task`` (or the config's folder), ``metric_keys`` (its metrics, in
    order), ``higher_is_better`` and optionally ``title``.
    """
    name = gvb.get('dataset')
    known = gvb_datasets()
    if name in known:
        return known[name]
    task = gvb.get('task', task)
    missing = [k for k, v in (('dataset', name), ('task', task),
                              ('metric_keys', gvb.get('metric_keys')),
                              ('higher_is_better',
                               gvb.get('higher_is_better'))) if v is None]
    if missing:
        raise KeyError(
            f'gvb.dataset {name!r} is not a GV-B dataset (valid: '
            f'{list(known)}), so its gvb dict must describe it: it lacks '
            f'{missing}')
    if task not in TASKS:
        raise KeyError(f'gvb.task of {name!r} is {task!r}; valid: '
                       f'{list(TASKS)}')
    return GVBDataset(name, gvb.get('title', name), task,
                      tuple(gvb['metric_keys']),
                      bool(gvb['higher_is_better']), own=True)


@lru_cache(maxsize=None)
def _load() -> dict:
    with open(REFERENCE_FILE) as f:
        return json.load(f)


def gvb_datasets() -> Dict[str, GVBDataset]:
    """The 26 datasets in the benchmark's order."""
    return {
        d['name']: GVBDataset(d['name'], d['title'], d['task'],
                              tuple(d['metrics']), d['higher_is_better'])
        for d in _load()['datasets']
    }


def reference_rows() -> List[str]:
    """Names of the published result rows, e.g. ``'Up-G MN-B4'``."""
    return list(_load()['rows'])


def reference_row(name: str) -> Dict[str, Dict[str, float]]:
    """A published row as ``{dataset: {metric: value}}``."""
    rows = _load()['rows']
    if name not in rows:
        raise KeyError(f'unknown GV-B reference row {name!r}; valid: '
                       f'{list(rows)}')
    datasets = gvb_datasets()
    return {
        dataset: dict(zip(datasets[dataset].metrics, values))
        for dataset, values in rows[name].items()
    }
