"""Run INTERN's training stages in order, each from the previous one's
weights.

    python tools/intern_pipeline.py up_a_g.py up_a_l.py up_e.py up_g.py \
        --work-dir work_dirs/intern

Each stage is one ``tools/train.py`` run (a subprocess, so one Runner per
stage with exactly train.py's semantics) in ``<work-dir>/<config name>``
(without ``--work-dir``: the config's ``work_dir``, else
``work_dirs/<config name>``, as train.py does).

Chaining convention: a stage takes weights from earlier stages through the
``LoadStageCheckpointHook`` entries of its ``custom_hooks`` (found by type,
``'LoadStageCheckpointHook'`` or ``'mmintern.LoadStageCheckpointHook'``).
The pipeline sets each one's ``checkpoint`` with ``--cfg-options
custom_hooks.<i>.checkpoint=<path>`` to the final checkpoint of the stage
its ``stage`` names (a config file name without ``.py``), or of the stage
just before when ``stage`` is None. A hook that names a stage which is not
earlier in the list keeps the checkpoint its config gives (an error when
that is None). Each hook's ``mapping`` (in the config) renames the source's
keys. So Up-G can take its trunk from Up-A-L and one expert branch from
each Up-E stage:

    python tools/intern_pipeline.py up-a-g.py up-a-l.py up-e-c.py \
        up-e-d.py up-e-s.py up-g.py --gvb-spec gvb_spec.py

With ``--gvb-spec``, the last stage's final checkpoint is handed to GV-B:
``tools/gvb.py SPEC --checkpoint <it>`` runs after the last stage, with the
arguments of ``--gvb-args``.

A stage's final checkpoint is ``iter_<max_iters>.pth`` (``epoch_<max_epochs>
.pth`` for epoch-based training) in its work dir, CheckpointHook's default
name, which it always saves at the end (``save_last=True``). Stages whose
final checkpoint exists are skipped, so rerunning the pipeline after an
interruption continues where it stopped; the interrupted stage is started
with ``--resume`` and resumes from its latest checkpoint if it has one.
"""
import argparse
import os.path as osp
import shlex
import subprocess
import sys
import time

from mmengine.config import Config, DictAction

from mmintern.engine.stage_pipeline import (final_checkpoint,
                                           resolve_sources, stage_name,
                                           stage_work_dir)

TOOLS = osp.dirname(osp.abspath(__file__))
TRAIN = osp.join(TOOLS, 'train.py')
GVB = osp.join(TOOLS, 'gvb.py')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Run INTERN stages in order')
    parser.add_argument('configs', nargs='+', help='stage configs, in order')
    parser.add_argument('--work-dir',
                        help='root of the stage work dirs (one per config)')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'],
                        help='passed to every tools/train.py run')
    parser.add_argument(
        '--cfg-options', nargs='+', default=[], metavar='KEY=VALUE',
        help='settings for every stage, e.g. a budget: train_cfg.max_iters='
        '200 param_scheduler.0.T_max=200 default_hooks.checkpoint.interval'
        '=200 (passed to tools/train.py, and used to name the final '
        'checkpoints)')
    parser.add_argument('--gvb-spec',
                        help='run GV-B (tools/gvb.py) with this backbone spec '
                        'on the last stage\'s final checkpoint')
    parser.add_argument('--gvb-args', default='',
                        help='more tools/gvb.py arguments, one string, e.g. '
                        '"--quick --datasets cifar10 --work-dir work_dirs/g"')
    return parser.parse_args(argv)


def parse_options(options) -> dict:
    """``KEY=VALUE`` strings as tools/train.py's ``--cfg-options`` reads
    them (they are passed on as they are)."""
    parsed = {}
    for option in options:
        key, sep, value = option.partition('=')
        if not sep:
            raise ValueError(f'--cfg-options takes KEY=VALUE, got {option!r}')
        parsed[key] = DictAction._parse_iterable(value)
    return parsed


def print_table(rows):
    header = ('stage', 'config', 'status', 'init from', 'checkpoint', 'time')
    table = [header] + [tuple(str(c) for c in row) for row in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for j, row in enumerate(table):
        print('  '.join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if j == 0:
            print('  '.join('-' * w for w in widths))
    sys.stdout.flush()


def main(argv=None) -> int:
    args = parse_args(argv)
    stages = []
    for config in args.configs:
        cfg = Config.fromfile(config)
        cfg.merge_from_dict(parse_options(args.cfg_options))
        work_dir = stage_work_dir(cfg, config, args.work_dir)
        stages.append((config, cfg, work_dir, final_checkpoint(cfg, work_dir)))
    dirs = [s[2] for s in stages]
    if len(set(dirs)) != len(dirs):
        raise ValueError(f'stages share work dirs: {dirs}')
    sources = resolve_sources(stages)

    rows, rc = [], 0
    for i, (config, cfg, work_dir, ckpt) in enumerate(stages):
        inputs = ', '.join(stage_name(stages[src][0])
                           for _, src in sources[i]) or '-'
        if osp.isfile(ckpt):
            rows.append((i + 1, config, 'skipped (done)', inputs, ckpt, '-'))
            continue
        cmd = [sys.executable, TRAIN, config, '--work-dir', work_dir,
               '--resume', '--launcher', args.launcher]
        options = list(args.cfg_options) + [
            f'custom_hooks.{index}.checkpoint={stages[src][3]}'
            for index, src in sources[i]]
        if options:
            cmd += ['--cfg-options'] + options
        print(f'[stage {i + 1}/{len(stages)}] {" ".join(cmd)}', flush=True)
        start = time.time()
        rc = subprocess.call(cmd)
        took = f'{time.time() - start:.1f}s'
        if rc == 0 and not osp.isfile(ckpt):
            print(f'stage {i + 1} finished without its final checkpoint '
                  f'{ckpt}', file=sys.stderr)
            rc = 1
        if rc != 0:
            rows.append((i + 1, config, f'FAILED (rc {rc})', inputs, ckpt,
                         took))
            break
        rows.append((i + 1, config, 'trained', inputs, ckpt, took))
    print_table(rows)
    if rc == 0 and args.gvb_spec:
        cmd = [sys.executable, GVB, args.gvb_spec, '--checkpoint',
               stages[-1][3]] + shlex.split(args.gvb_args)
        print(f'[GV-B] {" ".join(cmd)}', flush=True)
        rc = subprocess.call(cmd)
    return rc


if __name__ == '__main__':
    sys.exit(main())
