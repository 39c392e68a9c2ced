"""GV-B's table and its evaluator.

:class:`GVBTable` holds each dataset's GV-B metrics and makes the table
(per dataset, per task, error reduction against a published row).
:class:`GVBEvaluator` is an mmengine ``Evaluator`` over a dataset config's
own metrics that reports them under GV-B's names and scale and adds the
dataset's row to a table: ``tools/test.py`` on a GV-B config reports
through it, and ``tools/gvb.py`` runs the same class.
"""
import dataclasses
import json
import os
import os.path as osp
from typing import Dict, Optional, Sequence, Union

from mmengine.dist import is_main_process
from mmengine.evaluator import Evaluator
from mmengine.logging import print_log

from mmintern.registry import register_evaluator
from .reference import (TASKS, GVBDataset, dataset_info, gvb_datasets,
                        reference_row)


def error(value: float, higher_is_better: bool) -> float:
    """The error behind a GV-B number: ``100 - score`` for percentages
    where higher is better, the value itself for miss rates and RMSE."""
    return 100. - value if higher_is_better else value


def error_reduction(value: float, reference: float,
                    higher_is_better: bool) -> float:
    """Relative error reduction against a reference, in percent: how much
    of the reference's error is gone (negative: more error)."""
    ref_error = error(reference, higher_is_better)
    if ref_error == 0:
        raise ZeroDivisionError('the reference has no error to reduce')
    return 100. * (ref_error - error(value, higher_is_better)) / ref_error


class GVBTable:
    """Collects each dataset's GV-B metrics and makes the GV-B table.

    Per dataset: its metric values, the reference row's, and the relative
    error reduction (averaged over the dataset's metrics, e.g. the three
    WIDER FACE settings). Per task: the mean error reduction over the
    datasets evaluated, the number the INTERN paper reports per task.

    Args:
        reference (str): A published row of
            ``mmintern/gvb/evaluation/reference_results.json``, e.g.
            ``'Up-G MN-B4'``. Defaults to ``'Up-A R50'``.
    """

    def __init__(self, reference: str = 'Up-A R50'):
        self.reference_name = reference
        self.reference = reference_row(reference)
        self.datasets: Dict[str, GVBDataset] = gvb_datasets()
        self.results: Dict[str, Dict[str, float]] = {}
        self.spread: Dict[str, Dict[str, float]] = {}

    def add(self, dataset: str, metrics: Dict[str, float],
            spread: Optional[Dict[str, float]] = None,
            info: Optional[GVBDataset] = None) -> None:
        """Record one dataset's metrics, named as in its GV-B entry, and
        optionally their standard deviation over seeds. A user's own
        dataset comes with its ``info`` (:func:`dataset_info`)."""
        if info is not None and info.own:
            self.datasets.setdefault(dataset, info)
        if dataset not in self.datasets:
            raise KeyError(f'{dataset!r} is not a GV-B dataset; valid: '
                           f'{list(self.datasets)} (or give the info of '
                           'your own)')
        wanted = self.datasets[dataset].metrics
        missing = [m for m in wanted if m not in metrics]
        if missing:
            raise KeyError(f'{dataset}: metrics {missing} are missing; GV-B '
                           f'scores it with {list(wanted)}')
        self.results[dataset] = {m: float(metrics[m]) for m in wanted}
        if spread is not None:
            self.spread[dataset] = {m: float(spread[m]) for m in wanted}

    def evaluate(self) -> dict:
        """The table: ``rows`` (one per evaluated dataset, in benchmark
        order) and ``tasks`` (mean error reduction per task)."""
        rows = []
        for name, spec in self.datasets.items():
            if name not in self.results:
                continue
            values, ref = self.results[name], self.reference.get(name)
            reduction = None
            if ref is not None:  # a user's own dataset has no reference
                reductions = [
                    error_reduction(values[m], ref[m], spec.higher_is_better)
                    for m in spec.metrics
                ]
                reduction = sum(reductions) / len(reductions)
            rows.append(dict(
                dataset=name, title=spec.title, task=spec.task,
                metrics=values, reference=ref, error_reduction=reduction))
            if name in self.spread:
                rows[-1]['std'] = self.spread[name]
        tasks = {}
        for task in TASKS:
            # A user's own dataset has no error reduction to average.
            in_task = [r['error_reduction'] for r in rows if r['task'] == task
                       and r['error_reduction'] is not None]
            if in_task:
                tasks[task] = dict(num_datasets=len(in_task),
                                   error_reduction=sum(in_task) / len(in_task))
        return dict(reference=self.reference_name, rows=rows, tasks=tasks)

    def to_markdown(self, table: Optional[dict] = None) -> str:
        table = table or self.evaluate()
        ref = table['reference']
        lines = [
            f'| task | dataset | metric | ours | {ref} | error reduction |',
            '|---|---|---|---|---|---|']
        for r in table['rows']:
            names = ' / '.join(r['metrics'])
            std = r.get('std')
            ours = ' / '.join(
                f'{v:.2f}' + (f' ± {std[m]:.2f}' if std else '')
                for m, v in r['metrics'].items())
            if r['reference'] is None:
                theirs, reduction = '-', '- (own dataset)'
            else:
                theirs = ' / '.join(f'{v:g}' for v in r['reference'].values())
                reduction = f'{r["error_reduction"]:+.1f}%'
            lines.append(f'| {r["task"]} | {r["title"]} | {names} | {ours} | '
                         f'{theirs} | {reduction} |')
        lines += ['', f'| task | datasets | mean error reduction vs {ref} |',
                  '|---|---|---|']
        for task, t in table['tasks'].items():
            lines.append(f'| {task} | {t["num_datasets"]} | '
                         f'{t["error_reduction"]:+.1f}% |')
        return '\n'.join(lines)


def to_gvb_metrics(raw: Dict[str, float], gvb: dict,
                   dataset: GVBDataset) -> Dict[str, float]:
    """An evaluator's metrics under their GV-B names.

    ``gvb['metric_keys']`` names the evaluator key of each GV-B metric; the
    optional ``gvb['metric_scale']`` multiplies it (e.g. 100 for mmdet's VOC
    mAP, a fraction, where GV-B reports percent).
    """
    keys = gvb.get('metric_keys')
    if not keys:
        raise KeyError(f'the config of {dataset.name} has no '
                       'gvb.metric_keys mapping its GV-B metrics '
                       f'{list(dataset.metrics)} to evaluator keys')
    scale = gvb.get('metric_scale') or {}
    metrics = {}
    for metric in dataset.metrics:
        if metric not in keys:
            raise KeyError(f'gvb.metric_keys of {dataset.name} has no '
                           f'{metric!r}; it has {sorted(keys)}')
        if keys[metric] not in raw:
            raise KeyError(f'the evaluator reported {sorted(raw)}, not '
                           f'{keys[metric]!r} (gvb.metric_keys.{metric})')
        metrics[metric] = float(raw[keys[metric]]) * float(
            scale.get(metric, 1))
    return metrics


def _without_delete(cfg):
    """A metric config taken from a dataset config's ``val_evaluator`` may
    keep the ``_delete_`` marker that replaced its base's; it is config
    syntax, not an argument."""
    if isinstance(cfg, dict):
        return {k: _without_delete(v) for k, v in cfg.items()
                if k != '_delete_'}
    if isinstance(cfg, (list, tuple)):
        return type(cfg)(_without_delete(v) for v in cfg)
    return cfg


@register_evaluator
class GVBEvaluator(Evaluator):
    """The evaluator of a GV-B dataset config: its own metrics, reported
    under GV-B's names and scale, with the dataset's row of the table.

    ``evaluate`` returns the wrapped metrics' keys, ``gvb/<metric>`` for
    each GV-B metric and ``gvb/error_reduction`` against the reference row,
    and logs the one-row table. With ``table_file`` the row is added to a
    JSON file of rows (a later dataset's row joins it, the same dataset's
    row replaces the earlier one) and the Markdown table is written next to
    it (``.md``).

    Args:
        metrics (dict | list[dict]): The dataset's metric configs (e.g.
            mmpretrain's ``Accuracy``), as a plain ``test_evaluator``.
        gvb (dict): The config's ``gvb`` dict: ``dataset`` (a GV-B key),
            ``metric_keys`` and optionally ``metric_scale``.
        reference (str): A published row of ``reference_results.json``.
            Defaults to ``'Up-A R50'``.
        table_file (str, optional): JSON file of the table's rows.
    """

    def __init__(self,
                 metrics: Union[dict, Sequence[dict]],
                 gvb: dict,
                 reference: str = 'Up-A R50',
                 table_file: Optional[str] = None):
        # A GV-B key, or a user's own dataset that the dict describes.
        info = dataset_info(gvb)
        reference_row(reference)  # an unknown row fails here, not at the end
        super().__init__(_without_delete(metrics))
        self.dataset = info
        self.gvb = dict(gvb)
        self.reference = reference
        self.table_file = table_file

    def evaluate(self, size: int) -> dict:
        raw = super().evaluate(size)
        metrics = to_gvb_metrics(raw, self.gvb, self.dataset)
        table = GVBTable(self.reference)
        rows, own = {}, {}
        if self.table_file and osp.isfile(self.table_file):
            with open(self.table_file) as f:
                stored = json.load(f)
            rows = stored['datasets']
            own = {name: GVBDataset(**{**info,
                                       'metrics': tuple(info['metrics'])})
                   for name, info in stored.get('own', {}).items()}
        rows[self.dataset.name] = metrics
        if self.dataset.own:
            own[self.dataset.name] = self.dataset
        for name, values in rows.items():
            table.add(name, values, info=own.get(name))
        result = table.evaluate()
        (row, ) = [r for r in result['rows']
                   if r['dataset'] == self.dataset.name]
        if self.table_file and is_main_process():
            self._write(rows, own, table.to_markdown(result))
        single = GVBTable(self.reference)
        single.add(self.dataset.name, metrics, info=self.dataset)
        print_log('GV-B:\n' + single.to_markdown(), logger='current')
        out = {**raw, **{f'gvb/{m}': v for m, v in metrics.items()}}
        if row['error_reduction'] is not None:  # none for an own dataset
            out['gvb/error_reduction'] = row['error_reduction']
        return out

    def _write(self, rows: dict, own: dict, markdown: str) -> None:
        folder = osp.dirname(osp.abspath(self.table_file))
        os.makedirs(folder, exist_ok=True)
        tmp = self.table_file + '.tmp'
        with open(tmp, 'w') as f:
            json.dump(dict(reference=self.reference, datasets=rows,
                           own={n: dataclasses.asdict(i)
                                for n, i in own.items()}), f, indent=2)
        os.replace(tmp, self.table_file)  # a killed write loses no row
        with open(osp.splitext(self.table_file)[0] + '.md', 'w') as f:
            f.write(markdown + '\n')
