"""The GV-B mini table: real data, real weights, every task, on a CPU.

One table of backbones x datasets from the mini suite
(``mmintern/gvb/mini_suite.py``): CIFAR-10 in GV-B's layout (fast linear
probe), raccoon detection, CamVid segmentation and 7-Scenes depth as own
datasets (``configs/gvb/<task>/{raccoon,camvid,seven_scenes}.py``, each at
the CPU-sized schedule its header states), all from ``../shared/data``.
The backbones:

- EfficientNet-Lite0 with its real ImageNet weights
  (``configs/gvb/backbones/efficientnet-lite0.py``);
- MetaNet-B1 from random initialisation;
- MetaNet-B1 after the INTERN stages (``--intern-checkpoint``: the Up-G
  generalist of ``tools/intern_demo.py``), when there is one.

Each is one ``tools/gvb.py`` run (its own work dir, so each is resumable
and keyed by its inputs, its log in ``gvb_mini.log`` there); ``--jobs``
of them run at once, the cores shared among them. The table is printed and
written to ``<work-dir>/gvb_mini_table.md``. Example (``make demo`` runs
one seed)::

    python tools/analysis_tools/gvb_mini_table.py --seeds 0 1 2 \\
        --intern-checkpoint \\
        work_dirs/intern_demo/up-g_metanet-b1_multitask/iter_20.pth
"""
import argparse
import json
import os
import os.path as osp
import subprocess
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DATASETS = ('cifar10', 'raccoon', 'camvid', 'seven_scenes')
BACKBONES = (
    ('EfficientNet-Lite0 (ImageNet)',
     'configs/gvb/backbones/efficientnet-lite0.py', None),
    ('MetaNet-B1, random init', 'configs/gvb/backbones/metanet-b1.py', None),
)
INTERN = ('MetaNet-B1 Up-G <- INTERN stages',
          'configs/gvb/backbones/up-g_metanet-b1.py')
# What make intern-demo writes (its stages run 20 iterations).
DEFAULT_INTERN = 'work_dirs/intern_demo/up-g_metanet-b1_multitask/iter_20.pth'


def run_name(spec: str, checkpoint: str = None) -> str:
    """The work dir name of a row: one per spec and checkpoint, since two
    rows may share a spec (random init, and distilled weights)."""
    name = osp.splitext(osp.basename(spec))[0]
    if checkpoint:
        name += '_' + osp.splitext(osp.basename(checkpoint))[0]
    return name


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/gvb_mini')
    parser.add_argument('--gvb-root', default='data/gvb_mini',
                        help='where the mini suite is written')
    parser.add_argument('--data-root', default=None,
                        help='the shared data extracts (default: '
                        '$INTERN_DATA_ROOT or ../shared/data)')
    parser.add_argument('--seeds', nargs='+', type=int, default=[0])
    parser.add_argument('--percentage', type=float, default=10.)
    parser.add_argument('--datasets', nargs='+', default=list(DATASETS))
    parser.add_argument(
        '--jobs', type=int, default=2,
        help='backbones run at once, the cores shared among them '
        '(default: %(default)s)')
    parser.add_argument(
        '--threads', type=int, default=None,
        help='threads of each backbone run (default: the cores / --jobs)')
    parser.add_argument(
        '--extra', nargs=3, action='append', default=[],
        metavar=('TITLE', 'SPEC', 'CHECKPOINT'),
        help='one more row: a backbone spec with a checkpoint, e.g. '
        '"MetaNet-B1 <- Lite0 distilled" configs/gvb/backbones/metanet-b1.py '
        'checkpoints/metanet-b1_distilled.pth (repeatable)')
    parser.add_argument(
        '--intern-checkpoint', default=DEFAULT_INTERN,
        help='the Up-G generalist checkpoint of the INTERN stages; the row '
        'is left out (and says so) when the file is not there, or when the '
        'path is empty')
    return parser.parse_args(argv)


def _cell(row: dict, metric: str) -> str:
    value = row['metrics'][metric]
    std = (row.get('std') or {}).get(metric)
    return f'{value:.2f}' + (f' ± {std:.2f}' if std is not None else '')


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmintern.gvb.mini_suite import write_mini_suite
    from mmintern.utils.cli import usable_cores
    from mmintern.utils.data_root import shared_data_root
    write_mini_suite(args.data_root or shared_data_root(),
                     osp.join(ROOT, args.gvb_root), args.datasets)
    failed = []
    backbones = list(BACKBONES)
    for title, spec, checkpoint in args.extra:
        if not osp.isfile(osp.join(ROOT, checkpoint)):
            raise FileNotFoundError(f'--extra {title!r}: no checkpoint '
                                    f'{checkpoint}')
        backbones.append((title, spec, checkpoint))
    if not args.intern_checkpoint:  # '': asked for no INTERN row
        pass
    elif osp.isfile(osp.join(ROOT, args.intern_checkpoint)):
        backbones.append((*INTERN, args.intern_checkpoint))
    else:
        print(f'[mini table] no {args.intern_checkpoint}: the INTERN row is '
              'left out (make intern-demo trains the stages)', flush=True)
    # The backbones run side by side, each on its share of the cores:
    # on 2 cores two one-thread runs finish sooner than two two-thread runs
    # one after the other (small models do not scale to two threads).
    jobs = max(1, min(args.jobs, len(backbones)))
    threads = str(args.threads or max(1, usable_cores() // jobs))
    env = {**os.environ, 'OMP_NUM_THREADS': threads,
           'MKL_NUM_THREADS': threads}
    pending = list(backbones)
    running, done = [], {}
    while pending or running:
        while pending and len(running) < jobs:
            title, spec, checkpoint = pending.pop(0)
            work = osp.join(args.work_dir, run_name(spec, checkpoint))
            command = [sys.executable, 'tools/gvb.py', spec, '--datasets',
                       *args.datasets, '--percentage',
                       f'{args.percentage:g}', '--seeds',
                       *map(str, args.seeds), '--data-root', args.gvb_root,
                       '--work-dir', work]
            if checkpoint:
                command += ['--checkpoint', checkpoint]
            os.makedirs(osp.join(ROOT, work), exist_ok=True)
            log = osp.join(ROOT, work, 'gvb_mini.log')
            print(f'+ {" ".join(command)}  (log: {log}, {threads} thread'
                  f'{"s" if threads != "1" else ""})', flush=True)
            with open(log, 'w') as out:
                process = subprocess.Popen(command, cwd=ROOT, env=env,
                                           stdout=out,
                                           stderr=subprocess.STDOUT)
            running.append((title, work, log, process, time.perf_counter()))
        time.sleep(1)
        for item in list(running):
            title, work, log, process, start = item
            if process.poll() is None:
                continue
            running.remove(item)
            seconds = time.perf_counter() - start
            with open(log) as f:
                progress = [line.rstrip() for line in f
                            if line.startswith('[GV-B')]
            print('\n'.join(progress) or f'[mini table] {title}: no '
                  f'progress lines, see {log}', flush=True)
            if process.returncode:
                failed.append(title)
            done[title] = (work, seconds)
    rows = []
    for title, _, _ in backbones:
        work, seconds = done[title]
        results = osp.join(ROOT, work, 'gvb_results.json')
        cells = {}
        if osp.isfile(results):
            with open(results) as f:
                table = json.load(f)['percentages'][f'{args.percentage:g}'][
                    'table']
            cells = {r['dataset']: r for r in table['rows']}
        rows.append((title, cells, seconds))

    metric = dict(cifar10='accuracy', raccoon='mAP', camvid='mIoU',
                  seven_scenes='RMSE')
    header = ' | '.join(f'{d} {metric.get(d, "")}'.strip()
                        for d in args.datasets)
    lines = [
        f'GV-B mini table: {args.percentage:g}% of each training split, '
        f'seeds {args.seeds} (mean ± std over seeds when several); '
        'CIFAR-10 by the fast linear probe at 224 px, the dense datasets at '
        'the CPU-sized schedules their configs state. RMSE: lower is better. '
        f'Up to {jobs} backbones ran at once, {threads} thread(s) each; the '
        'time is each run\'s wall time.',
        '', f'| backbone | {header} | time |',
        '|---|' + '---|' * len(args.datasets) + '---|']
    for title, cells, seconds in rows:
        values = [_cell(cells[d], metric[d]) if d in cells else 'failed'
                  for d in args.datasets]
        lines.append(f'| {title} | {" | ".join(values)} | {seconds:.0f} s |')
    text = '\n'.join(lines)
    print('\n' + text)
    os.makedirs(osp.join(ROOT, args.work_dir), exist_ok=True)
    with open(osp.join(ROOT, args.work_dir, 'gvb_mini_table.md'), 'w') as f:
        f.write(text + '\n')
    if failed:
        print(f'[mini table] failed: {", ".join(failed)}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
