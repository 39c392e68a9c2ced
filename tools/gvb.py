"""Run GV-B, the general vision benchmark, on a backbone.

Each dataset config of ``configs/gvb/<task>/`` is run with the backbone of
the spec and its result goes into the GV-B table, with the error reduction
against a published row. Datasets whose folder is not under ``--data-root``
are listed as missing; a dataset that fails is recorded and the run goes
on. A killed run continues where it stopped when started again with the
same ``--work-dir``.

Outputs in the work dir: ``results.json`` (per dataset, written as each
finishes), ``gvb_results.json``, ``gvb_table.md``, ``gvb_tasks.png`` and,
with several ``--percentage``, ``gvb_data_efficiency.png``.

Example:
    python tools/gvb.py configs/gvb/backbones/metanet-b4.py \
        --tasks classification --percentage 10 --reference 'Up-A R50'
"""
import argparse
import dataclasses
import os.path as osp
import sys

from mmengine.config import DictAction

import mmintern  # noqa: F401  (registers MetaNet, PercentageDataset, ...)
from mmintern.gvb.evaluation.reference import TASKS, reference_rows
from mmintern.gvb import load_backbone_spec
from mmintern.gvb.runner import PROBES, RunSettings, run_benchmark

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def percentage(text: str) -> float:
    """A share of the training data in (0, 100], or a parse error."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'not a number: {text!r}') from None
    if not 0 < value <= 100:
        raise argparse.ArgumentTypeError(
            f'{text} is outside (0, 100]: give a percentage, e.g. 10 for 10%')
    return value


def default_processes() -> int:
    import torch
    return max(1, torch.cuda.device_count())


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('spec', help='backbone spec, e.g. '
                        'configs/gvb/backbones/metanet-b4.py')
    parser.add_argument('--tasks', nargs='+', default=['all'],
                        choices=('all', ) + TASKS, help='tasks to run')
    parser.add_argument('--datasets', nargs='+',
                        help='only these GV-B datasets (e.g. cifar10 voc0712)')
    parser.add_argument('--percentage', nargs='+', type=percentage,
                        default=[10.],
                        help='shares of the training data, in percent, in '
                        '(0, 100]')
    parser.add_argument(
        '--processes', type=int, default=None,
        help='processes per dense dataset, launched with torchrun '
        '(default: the visible GPUs, or 1); the stated total batch is kept '
        'by gradient accumulation')
    parser.add_argument(
        '--seeds', nargs='+', type=int, default=[0],
        help='seeds of the split and the training; several give mean +- std '
        'columns')
    parser.add_argument(
        '--data-root', default='data/gvb',
        help='folder with one sub-folder per dataset, the configs\' '
        'gvb_root (default: data/gvb)')
    parser.add_argument('--work-dir', default='work_dirs/gvb')
    parser.add_argument('--config-root',
                        default=osp.join(REPO, 'configs', 'gvb'),
                        help='folder with <task>/<dataset>.py configs')
    parser.add_argument('--reference', default='Up-A R50',
                        choices=reference_rows(),
                        help='published GV-B row to compare with')
    parser.add_argument(
        '--probe', default='fast', choices=PROBES,
        help='classification: linear probe on cached features (fast) or '
        "the config's SGD training (sgd)")
    parser.add_argument(
        '--quick', action='store_true',
        help='a pipeline check, not a benchmark: a few iterations on small '
        'images per dataset (see mmintern/gvb/quick.py)')
    parser.add_argument(
        '--checkpoint',
        help="weights of the spec's backbone, instead of the spec's "
        "checkpoint (e.g. the last stage of tools/intern_pipeline.py)")
    parser.add_argument(
        '--checkpoint-prefix',
        help="prefix of the backbone's keys in --checkpoint, instead of the "
        "spec's (default 'backbone.')")
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings of every dataset config, e.g. '
        'train_dataloader.num_workers=0')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    spec = load_backbone_spec(args.spec)
    if args.checkpoint is not None:
        spec = dataclasses.replace(spec, checkpoint=args.checkpoint)
    if args.checkpoint_prefix is not None:
        spec = dataclasses.replace(spec,
                                   checkpoint_prefix=args.checkpoint_prefix)
    settings = RunSettings(
        spec=spec,
        tasks=TASKS if 'all' in args.tasks else tuple(args.tasks),
        datasets=args.datasets,
        percentages=args.percentage,
        seeds=tuple(dict.fromkeys(args.seeds)),
        processes=args.processes or default_processes(),
        data_root=args.data_root,
        work_dir=args.work_dir,
        config_root=args.config_root,
        reference=args.reference,
        probe=args.probe,
        cfg_options=args.cfg_options,
        quick=args.quick)
    summary = run_benchmark(settings)
    failed = {f'{pct}%/{name}': error
              for pct, section in summary['percentages'].items()
              for name, error in section['failed'].items()}
    print(f'[GV-B] results in {osp.join(args.work_dir, "gvb_table.md")}',
          flush=True)
    if failed:
        print(f'[GV-B] {len(failed)} failed: {", ".join(failed)}',
              file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
