"""Does distillation give MetaNet-B1 real features? Teacher, distilled and
random-init students on the GV-B mini table, seeds paired.

1. distils (``tools/train.py`` on ``--config``, resumable) unless the work
   dir already has its last checkpoint;
2. exports the student (``backbone.*``) with
   ``tools/model_converters/export_backbone.py``;
3. runs the GV-B mini table (``gvb_mini_table.py``: the teacher,
   EfficientNet-Lite0, MetaNet-B1 from random init, the distilled
   MetaNet-B1 and, with ``--intern-checkpoint``, the Up-G generalist of
   INTERN stages started at the distilled weights, ``tools/intern_demo.py
   --from-distilled``) on ``--seeds``;
4. prints the distillation's wall time, the student/teacher cosine of the
   pooled feature over training (from the run's ``scalars.json``), and per
   dataset the paired differences distilled - random and the share of the
   random-to-teacher gap that distillation closes, mean +- std over seeds.

Example (the evidence of the distillation issue)::

    python tools/analysis_tools/distill_evidence.py --seeds 0 1 2
"""
import argparse
import glob
import json
import os.path as osp
import statistics
import subprocess
import sys
import time

from gvb_mini_table import BACKBONES, INTERN, run_name

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = 'configs/distill/efficientnet-lite0_to_metanet-b1_tinyimagenet.py'
TEACHER, RANDOM = (spec for _, spec, _ in BACKBONES)  # the table's rows
STUDENT = RANDOM  # the distilled row: the random row's spec, its weights
METRICS = dict(cifar10='accuracy', raccoon='mAP', camvid='mIoU',
               seven_scenes='RMSE')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default=CONFIG)
    parser.add_argument('--work-dir', default='work_dirs/distill_evidence')
    parser.add_argument('--distill-dir', default=None,
                        help='the distillation work dir (default: '
                        '<work-dir>/distill); a finished run is reused')
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2])
    parser.add_argument('--datasets', nargs='+', default=list(METRICS))
    parser.add_argument(
        '--intern-checkpoint', default=None,
        help='the Up-G checkpoint of INTERN stages started at the distilled '
        'weights (tools/intern_demo.py --from-distilled): one more row')
    return parser.parse_args(argv)


def run(*args: str) -> None:
    print('+', ' '.join(args), flush=True)
    subprocess.run([sys.executable, *args], cwd=ROOT, check=True)


def cosine_curve(distill_dir: str):
    """``(iter, cos_pooled)`` of the run's logged steps, from scalars.json
    (the last run folder's; a resumed run continues in a new one)."""
    points = {}
    for path in sorted(glob.glob(osp.join(ROOT, distill_dir, '*', 'vis_data',
                                          'scalars.json'))):
        with open(path) as f:
            for line in f:
                entry = json.loads(line)
                if 'cos_pooled' in entry:
                    points[entry['iter']] = entry['cos_pooled']
    return sorted(points.items())


def seed_metrics(work: str, dataset: str, metric: str) -> dict:
    """``{seed: value}`` of one mini-table run."""
    with open(osp.join(ROOT, work, 'results.json')) as f:
        results = json.load(f)['results']
    entries = next(iter(results.values())).get(dataset, {})
    return {int(seed): entry['metrics'][metric]
            for seed, entry in entries.items()
            if isinstance(entry, dict) and 'metrics' in entry}


def mean_std(values) -> str:
    values = list(values)
    if not values:
        return 'n/a'
    std = statistics.stdev(values) if len(values) > 1 else 0.
    return f'{statistics.mean(values):+.2f} ± {std:.2f}'


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.intern_checkpoint and not osp.isfile(
            osp.join(ROOT, args.intern_checkpoint)):
        raise FileNotFoundError(
            f'--intern-checkpoint: no {args.intern_checkpoint} (python '
            'tools/intern_demo.py --from-distilled writes it)')
    distill_dir = args.distill_dir or osp.join(args.work_dir, 'distill')
    last = osp.join(ROOT, distill_dir, 'last_checkpoint')
    start = time.perf_counter()
    if not osp.isfile(last):
        run('tools/train.py', args.config, '--work-dir', distill_dir,
            '--resume')
    distill_seconds = time.perf_counter() - start
    with open(last) as f:
        checkpoint = f.read().strip()
    student = osp.join(args.work_dir, 'metanet-b1_distilled.pth')
    run('tools/model_converters/export_backbone.py', checkpoint, student)

    table_dir = osp.join(args.work_dir, 'gvb_mini')
    # The mini table's own INTERN row (stages from random init) is left
    # out: only the one started at the distilled weights belongs here.
    run('tools/analysis_tools/gvb_mini_table.py', '--work-dir', table_dir,
        '--seeds', *map(str, args.seeds), '--datasets', *args.datasets,
        '--extra', 'MetaNet-B1 <- Lite0 distilled', STUDENT, student,
        '--intern-checkpoint', args.intern_checkpoint or '')

    curve = cosine_curve(distill_dir)
    print(f'\ndistillation: {checkpoint}'
          + (f', {distill_seconds:.0f} s in this call' if distill_seconds > 5
             else ' (reused)'))
    if curve:
        step = max(1, len(curve) // 4)
        marks = [curve[0], *curve[step:-1:step], curve[-1]]
        print('student/teacher cosine of the pooled feature: ' + ', '.join(
            f'{cos:.3f} @ {it}' for it, cos in marks))
    works = dict(teacher=run_name(TEACHER), random=run_name(RANDOM),
                 distilled=run_name(STUDENT, student))
    if args.intern_checkpoint:
        works['intern'] = run_name(INTERN[1], args.intern_checkpoint)
    works = {key: osp.join(table_dir, name) for key, name in works.items()}
    columns = ['teacher', 'random', 'distilled', 'distilled - random',
               'gap closed']
    if 'intern' in works:
        columns += ['Up-G from distilled', 'Up-G - random']
    print('\n| dataset | ' + ' | '.join(columns) + ' |\n|---|' +
          '---|' * len(columns))
    for dataset in args.datasets:
        metric = METRICS[dataset]
        values = {key: seed_metrics(work, dataset, metric)
                  for key, work in works.items()}
        seeds = sorted(set.intersection(*(set(v) for v in values.values())))
        if not seeds:
            print(f'| {dataset} | no common seeds |')
            continue
        diff = [values['distilled'][s] - values['random'][s] for s in seeds]
        gap = [(values['distilled'][s] - values['random'][s]) /
               (values['teacher'][s] - values['random'][s])
               for s in seeds
               if values['teacher'][s] != values['random'][s]]
        cells = [mean_std(values[k][s] for s in seeds).lstrip('+')
                 for k in ('teacher', 'random', 'distilled')]
        cells += [mean_std(diff), mean_std(gap)]
        if 'intern' in works:
            intern = values['intern']
            cells += [mean_std(intern[s] for s in seeds).lstrip('+'),
                      mean_std(intern[s] - values['random'][s]
                               for s in seeds)]
        print(f'| {dataset} {metric} | ' + ' | '.join(cells) + ' |')
    print(f'\n(mean ± std over seeds {args.seeds}; "gap closed" is '
          '(distilled - random) / (teacher - random) per seed; RMSE: lower '
          'is better, so there a closed gap is also positive)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
