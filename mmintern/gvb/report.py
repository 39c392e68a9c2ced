"""The runner's outputs: the Markdown table and the plots.

matplotlib is imported inside the plot functions, with the Agg backend, so
that importing the runner needs no display and no matplotlib.
"""
import math
from typing import Dict, List

from mmintern.gvb.evaluation.reference import TASKS, gvb_datasets


def markdown_report(title: str, sections: Dict[str, dict],
                    evaluator_markdown: Dict[str, str]) -> str:
    """The whole ``gvb_table.md``.

    Args:
        title (str): The first heading.
        sections (dict): Per percentage key, the ``gvb_results.json``
            section (``missing``, ``failed``, ``not_configured``).
        evaluator_markdown (dict): Per percentage key, the GVBTable's
            Markdown table.
    """
    lines = [f'# {title}', '']
    for pct, section in sections.items():
        lines += [f'## {pct}% of the training data', '']
        seeds = section.get('seeds') or [0]
        if len(seeds) > 1:
            lines += [f'Mean ± std over seeds {seeds}.', '']
        if section['table']['rows']:
            lines += [evaluator_markdown[pct], '']
        else:
            lines += ['No dataset finished.', '']
        if section.get('budgets'):
            lines += ['Budgets as run (images per optimizer step = batch x '
                      'processes x accumulation):', '']
            lines += [f'- {name}: {budget_text(b)}'
                      for name, b in section['budgets'].items()]
            lines.append('')
        if section['missing']:
            lines += ['Missing datasets (no data folder): ' + ', '.join(
                f'{m["dataset"]} (`{m["path"]}`)'
                for m in section['missing']), '']
        if section['failed']:
            lines += ['Failed datasets:', '']
            lines += [f'- {name}: {error}'
                      for name, error in section['failed'].items()]
            lines.append('')
        if section['not_configured']:
            lines += ['GV-B datasets without a config: ' +
                      ', '.join(section['not_configured']), '']
    return '\n'.join(lines)


def budget_text(budget: dict) -> str:
    """``12 epochs, 16 images per step (2 x 1 x 8)``."""
    length = f'{budget["epochs"]} epochs' if 'epochs' in budget \
        else f'{budget["steps"]} steps'
    return (f'{length}, {budget["total_batch"]} images per step '
            f'({budget["batch_per_process"]} x {budget["processes"]} x '
            f'{budget["accumulation"]})')


def _pyplot():
    import matplotlib
    matplotlib.use('Agg')  # files only: no display on servers
    import matplotlib.pyplot as plt
    return plt


def plot_tasks(tables: Dict[str, dict], reference: str, path: str) -> None:
    """Bars of the mean error reduction per task, one per percentage.

    Args:
        tables (dict): Per percentage key, ``GVBTable.evaluate()``.
        reference (str): The reference row, for the labels.
        path (str): The PNG to write.
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4))
    pcts = list(tables)
    width = 0.8 / max(len(pcts), 1)
    drawn = False
    for j, pct in enumerate(pcts):
        tasks = tables[pct]['tasks']
        xs = [i + (j - (len(pcts) - 1) / 2) * width
              for i, task in enumerate(TASKS) if task in tasks]
        values = [tasks[t]['error_reduction'] for t in TASKS if t in tasks]
        if not values:
            continue
        drawn = True
        bars = ax.bar(xs, values, width, label=f'{pct}%')
        counts = [tasks[t]['num_datasets'] for t in TASKS if t in tasks]
        ax.bar_label(bars, labels=[f'{v:+.1f}\n({n})'
                                   for v, n in zip(values, counts)],
                     fontsize=7)
    ax.axhline(0, color='black', linewidth=0.8)
    ax.set_xticks(range(len(TASKS)), TASKS)
    ax.set_ylabel(f'mean error reduction vs {reference} (%)')
    ax.set_title('GV-B per task (datasets evaluated in brackets)')
    if drawn:
        ax.legend(title='training data')
    else:
        ax.text(0.5, 0.5, 'no dataset finished', ha='center',
                transform=ax.transAxes)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_data_efficiency(tables: Dict[str, dict], path: str) -> None:
    """Each dataset's metric(s) against the share of training data.

    Args:
        tables (dict): Per percentage key, ``GVBTable.evaluate()``.
        path (str): The PNG to write.
    """
    plt = _pyplot()
    order = list(gvb_datasets())
    order += sorted({r['dataset'] for t in tables.values() for r in t['rows']}
                    - set(order))  # a user's own datasets, after GV-B's
    series: Dict[str, Dict[str, List[tuple]]] = {}
    references: Dict[str, dict] = {}
    for pct, table in tables.items():
        for row in table['rows']:
            for metric, value in row['metrics'].items():
                series.setdefault(row['dataset'], {}).setdefault(
                    metric, []).append((float(pct), value))
            references[row['dataset']] = row['reference']
    names = sorted(series, key=order.index)
    cols = min(4, max(len(names), 1))
    rows = max(math.ceil(len(names) / cols), 1)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.6 * rows),
                             squeeze=False)
    for ax, name in zip(axes.flat, names):
        for metric, points in series[name].items():
            points.sort()
            line, = ax.plot([p for p, _ in points], [v for _, v in points],
                            marker='o', label=metric)
            # The published number, at GV-B's own percentage (an own
            # dataset has none).
            if references[name] is not None:
                ax.axhline(references[name][metric], color=line.get_color(),
                           linestyle='--', linewidth=0.8)
        ax.set_xscale('log')
        # Ticks at the percentages run, written plainly (not 5x10^0).
        pcts = sorted({p for points in series[name].values()
                       for p, _ in points})
        ax.set_xticks(pcts, [f'{p:g}' for p in pcts])
        ax.minorticks_off()
        ax.set_title(name, fontsize=9)
        ax.set_xlabel('% of training data', fontsize=8)
        ax.tick_params(labelsize=7)
        if len(series[name]) > 1:
            ax.legend(fontsize=6)
    for ax in list(axes.flat)[len(names):]:
        ax.axis('off')
    if not names:
        axes.flat[0].text(0.5, 0.5, 'no dataset finished', ha='center')
    fig.suptitle('GV-B data efficiency (dashed: reference row)', fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
