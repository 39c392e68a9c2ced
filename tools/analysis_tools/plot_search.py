"""Best reward against evaluations for several searches, by searcher.

Reads each work dir's ``search.json`` (the searcher and seed) and
``candidates.jsonl``; prints, per searcher, the best reward after every
quarter of the budget (mean and sample standard deviation over the
seeds) and the proposals it took (rejected ones included), and draws the
mean best-so-far curve with the seeds' range around it. An evaluation is what
the budget counts: a trained candidate, not a rejected proposal.

Example:
    python tools/analysis_tools/plot_search.py work_dirs/search/*_seed* \
        --out work_dirs/search/best_reward.png
"""
import argparse
import json
import os.path as osp
import sys
from collections import defaultdict
from typing import Dict, List, NamedTuple

import numpy as np

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from mmintern.search import LOG_NAME, read_log  # noqa: E402


class Run(NamedTuple):
    curve: np.ndarray  # the best reward after each evaluation
    proposals: int  # rejected ones included


def best_so_far(entries: List[dict]) -> np.ndarray:
    """The best reward after each evaluation (rejected proposals, reward 0,
    are not evaluations)."""
    return np.maximum.accumulate(
        [e['reward'] for e in entries if not e.get('rejected', False)])


def load(work_dirs: List[str]) -> Dict[str, Dict[int, Run]]:
    """searcher -> seed -> its run."""
    curves: Dict[str, Dict[int, Run]] = defaultdict(dict)
    for work_dir in work_dirs:
        meta_file = osp.join(work_dir, 'search.json')
        if not osp.isfile(meta_file):
            raise FileNotFoundError(f'{work_dir} has no search.json: not a '
                                    'tools/search.py work dir')
        with open(meta_file) as f:
            meta = json.load(f)
        entries = read_log(osp.join(work_dir, LOG_NAME))
        if not entries:
            raise ValueError(f'{work_dir} has no evaluated candidate')
        if meta['seed'] in curves[meta['searcher']]:
            raise ValueError(f'two work dirs of {meta["searcher"]} seed '
                             f'{meta["seed"]}')
        curves[meta['searcher']][meta['seed']] = Run(best_so_far(entries),
                                                     len(entries))
    return curves


def table(curves: Dict[str, Dict[int, Run]]) -> str:
    """Best reward after each quarter of the shortest run, per searcher."""
    length = min(len(r.curve) for seeds in curves.values()
                 for r in seeds.values())
    marks = sorted({max(1, round(length * q / 4)) for q in (1, 2, 3, 4)})
    lines = ['| searcher | seeds | proposals | ' + ' | '.join(
        f'best @ {m}' for m in marks) + ' |',
             '|---|---|---|' + '---|' * len(marks)]
    for name, seeds in sorted(curves.items()):
        cells = []
        for m in marks:
            values = np.array([r.curve[m - 1] for r in seeds.values()])
            std = values.std(ddof=1) if len(values) > 1 else 0.
            cells.append(f'{values.mean():.4f} ± {std:.4f}')
        proposals = np.array([r.proposals for r in seeds.values()])
        lines.append(f'| {name} | {len(seeds)} | {proposals.mean():.1f} | ' +
                     ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def plot(curves: Dict[str, Dict[int, Run]], out: str) -> None:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, seeds in sorted(curves.items()):
        length = min(len(r.curve) for r in seeds.values())
        stack = np.stack([r.curve[:length] for r in seeds.values()])
        steps = np.arange(1, length + 1)
        ax.plot(steps, stack.mean(0), label=f'{name} ({len(seeds)} seeds)')
        ax.fill_between(steps, stack.min(0), stack.max(0), alpha=0.2)
    ax.set_xlabel('evaluations (trained candidates)')
    ax.set_ylabel('best reward so far')
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, dpi=120)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('work_dirs', nargs='+')
    parser.add_argument('--out', help='the plot (PNG); none if not given')
    args = parser.parse_args(argv)
    curves = load(args.work_dirs)
    print(table(curves))
    if args.out:
        plot(curves, args.out)
        print(f'wrote {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
