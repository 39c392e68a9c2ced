from typing import Dict, Optional

from mmintern.registry import register_evaluator
from .reference import TASKS, GVBDataset, gvb_datasets, reference_row


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


@register_evaluator
class GVBEvaluator:
    """Collects each dataset's metrics and makes the GV-B table.

    Per dataset: its metric values, the reference row's, and the relative
    error reduction (averaged over the dataset's metrics, e.g. the three
    WIDER FACE settings). Per task: the mean error reduction over the
    datasets evaluated, the number the INTERN paper reports per task.

    Args:
        reference (str): A published row of
            ``mmintern/evaluation/gvb/reference_results.json``, e.g.
            ``'Up-G MN-B4'``. Defaults to ``'Up-A R50'``.
    """

    def __init__(self, reference: str = 'Up-A R50'):
        self.reference_name = reference
        self.reference = reference_row(reference)
        self.datasets: Dict[str, GVBDataset] = gvb_datasets()
        self.results: Dict[str, Dict[str, float]] = {}

    def add(self, dataset: str, metrics: Dict[str, float]) -> None:
        """Record one dataset's metrics, named as in its GV-B entry."""
        if dataset not in self.datasets:
            raise KeyError(f'{dataset!r} is not a GV-B dataset; valid: '
                           f'{list(self.datasets)}')
        wanted = self.datasets[dataset].metrics
        missing = [m for m in wanted if m not in metrics]
        if missing:
            raise KeyError(f'{dataset}: metrics {missing} are missing; GV-B '
                           f'scores it with {list(wanted)}')
        self.results[dataset] = {m: float(metrics[m]) for m in wanted}

    def evaluate(self) -> dict:
        """The table: ``rows`` (one per evaluated dataset, in benchmark
        order) and ``tasks`` (mean error reduction per task)."""
        rows = []
        for name, spec in self.datasets.items():
            if name not in self.results:
                continue
            values, ref = self.results[name], self.reference[name]
            reductions = [
                error_reduction(values[m], ref[m], spec.higher_is_better)
                for m in spec.metrics
            ]
            rows.append(dict(
                dataset=name, title=spec.title, task=spec.task,
                metrics=values, reference=ref,
                error_reduction=sum(reductions) / len(reductions)))
        tasks = {}
        for task in TASKS:
            in_task = [r['error_reduction'] for r in rows if r['task'] == task]
            if in_task:
                tasks[task] = dict(num_datasets=len(in_task),
                                   error_reduction=sum(in_task) / len(in_task))
        return dict(reference=self.reference_name, rows=rows, tasks=tasks)

    def to_markdown(self, table: Optional[dict] = None) -> str:
        table = table or self.evaluate()
        ref = table['reference']
        lines = [f'| task | dataset | metric | ours | {ref} | error reduction |',
                 '|---|---|---|---|---|---|']
        for r in table['rows']:
            names = ' / '.join(r['metrics'])
            ours = ' / '.join(f'{v:.2f}' for v in r['metrics'].values())
            theirs = ' / '.join(f'{v:g}' for v in r['reference'].values())
            lines.append(f'| {r["task"]} | {r["title"]} | {names} | {ours} | '
                         f'{theirs} | {r["error_reduction"]:+.1f}% |')
        lines += ['', f'| task | datasets | mean error reduction vs {ref} |',
                  '|---|---|---|']
        for task, t in table['tasks'].items():
            lines.append(f'| {task} | {t["num_datasets"]} | '
                         f'{t["error_reduction"]:+.1f}% |')
        return '\n'.join(lines)
