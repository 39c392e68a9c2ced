"""Run INTERN's training stages in order, each from the previous one's
weights.

    python tools/intern_pipeline.py up_a_g.py up_a_l.py up_e.py up_g.py \
        --work-dir work_dirs/intern

Each stage is one ``tools/train.py`` run (a subprocess, so one Runner per
stage with exactly train.py's semantics) in ``<work-dir>/<config name>``
(without ``--work-dir``: the config's ``work_dir``, else
``work_dirs/<config name>``, as train.py does).

Chaining convention: every stage after the first has a
``LoadStageCheckpointHook`` in its ``custom_hooks`` (found by type,
``'LoadStageCheckpointHook'`` or ``'mmintern.LoadStageCheckpointHook'``);
the pipeline sets its ``checkpoint`` to the previous stage's final
checkpoint with ``--cfg-options custom_hooks.<i>.checkpoint=<path>``. The
hook's ``mapping`` (in the config) renames the previous stage's keys. The
first stage keeps whatever its config says.

A stage's final checkpoint is ``iter_<max_iters>.pth`` (``epoch_<max_epochs>
.pth`` for epoch-based training) in its work dir, CheckpointHook's default
name, which it always saves at the end (``save_last=True``). Stages whose
final checkpoint exists are skipped, so rerunning the pipeline after an
interruption continues where it stopped; the interrupted stage is started
with ``--resume`` and resumes from its latest checkpoint if it has one.
"""
import argparse
import os.path as osp
import subprocess
import sys
import time

from mmengine.config import Config

HOOK_TYPE = 'LoadStageCheckpointHook'
TRAIN = osp.join(osp.dirname(osp.abspath(__file__)), 'train.py')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Run INTERN stages in order')
    parser.add_argument('configs', nargs='+', help='stage configs, in order')
    parser.add_argument('--work-dir',
                        help='root of the stage work dirs (one per config)')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'],
                        help='passed to every tools/train.py run')
    return parser.parse_args(argv)


def stage_work_dir(cfg: Config, config: str, root=None) -> str:
    name = osp.splitext(osp.basename(config))[0]
    if root is not None:
        return osp.join(root, name)
    return cfg.get('work_dir') or osp.join('./work_dirs', name)


def final_checkpoint(cfg: Config, work_dir: str) -> str:
    train_cfg = cfg.get('train_cfg') or {}
    by_epoch = train_cfg.get('by_epoch', True) and \
        'IterBased' not in str(train_cfg.get('type', ''))
    if by_epoch:
        return osp.join(work_dir, f'epoch_{train_cfg["max_epochs"]}.pth')
    return osp.join(work_dir, f'iter_{train_cfg["max_iters"]}.pth')


def stage_hook_index(cfg: Config, config: str) -> int:
    for i, hook in enumerate(cfg.get('custom_hooks') or []):
        kind = hook.get('type') if isinstance(hook, dict) else None
        kind = getattr(kind, '__name__', kind)
        if isinstance(kind, str) and kind.split('.')[-1] == HOOK_TYPE:
            return i
    raise KeyError(f'{config} has no {HOOK_TYPE} in custom_hooks to take '
                   'the previous stage\'s checkpoint')


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
        work_dir = stage_work_dir(cfg, config, args.work_dir)
        stages.append((config, cfg, work_dir, final_checkpoint(cfg, work_dir)))
    dirs = [s[2] for s in stages]
    if len(set(dirs)) != len(dirs):
        raise ValueError(f'stages share work dirs: {dirs}')
    hook_index = [None] + [stage_hook_index(cfg, config)
                           for config, cfg, _, _ in stages[1:]]

    rows, previous, rc = [], None, 0
    for i, (config, cfg, work_dir, ckpt) in enumerate(stages):
        if osp.isfile(ckpt):
            rows.append((i + 1, config, 'skipped (done)', previous or '-',
                         ckpt, '-'))
            previous = ckpt
            continue
        cmd = [sys.executable, TRAIN, config, '--work-dir', work_dir,
               '--resume', '--launcher', args.launcher]
        if previous is not None:
            cmd += ['--cfg-options',
                    f'custom_hooks.{hook_index[i]}.checkpoint={previous}']
        print(f'[stage {i + 1}/{len(stages)}] {" ".join(cmd)}', flush=True)
        start = time.time()
        rc = subprocess.call(cmd)
        took = f'{time.time() - start:.1f}s'
        if rc == 0 and not osp.isfile(ckpt):
            print(f'stage {i + 1} finished without its final checkpoint '
                  f'{ckpt}', file=sys.stderr)
            rc = 1
        if rc != 0:
            rows.append((i + 1, config, f'FAILED (rc {rc})', previous or '-',
                         ckpt, took))
            break
        rows.append((i + 1, config, 'trained', previous or '-', ckpt, took))
        previous = ckpt
    print_table(rows)
    return rc


if __name__ == '__main__':
    sys.exit(main())
