"""GV-B's datasets and published results, shipped as package data."""
import json
import os.path as osp
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Tuple

REFERENCE_FILE = osp.join(osp.dirname(__file__), 'reference_results.json')
TASKS = ('classification', 'detection', 'segmentation', 'depth')


@dataclass(frozen=True)
class GVBDataset:
    """One of GV-B's 26 datasets and how it is scored."""
    name: str
    title: str
    task: str
    metrics: Tuple[str, ...]
    higher_is_better: bool


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
