"""Make a reproducible GV-B percentage split of a config's dataset.

Writes the split list (one sample name per line, relative to the dataset's
data root) and prints the split table: samples kept and avg / min / max
samples per class.

Example:
    python tools/dataset_converters/make_gvb_splits.py \
        configs/mmdet/some_config.py --percentage 10 --seed 0 \
        --task detection --out data/splits/voc_10pct_seed0.txt
"""
import argparse
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope

import mmintern  # noqa: F401  (registers mmintern's types)
from mmintern.datasets.percentage_dataset import TASKS, PercentageDataset
from mmintern.datasets.percentage_split import write_split_file

SPLITS = ('train', 'val', 'test')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='config whose dataset to split')
    parser.add_argument('--percentage', type=float, required=True,
                        help='share of the samples to keep, in (0, 100]')
    parser.add_argument('--seed', type=int, default=0,
                        help='non-negative seed of the split')
    parser.add_argument('--task', default='classification', choices=TASKS,
                        help='how to read the classes of a sample')
    parser.add_argument('--out', required=True, help='split list to write')
    parser.add_argument('--split', default='train', choices=SPLITS,
                        help='the <split>_dataloader whose dataset to split')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings of the config, e.g. '
        'train_dataloader.dataset.data_root=data/voc/')
    return parser.parse_args(argv)


def dataset_config(cfg: Config, split: str) -> dict:
    """The dataset config of ``<split>_dataloader``, unwrapped.

    A config that already trains on a ``PercentageDataset`` is split from
    the dataset it wraps, so a new list can replace the old one.
    """
    key = f'{split}_dataloader'
    if cfg.get(key) is None or cfg[key].get('dataset') is None:
        raise KeyError(f'the config has no {key}.dataset')
    dataset = cfg[key].dataset
    while dataset.get('type') in ('PercentageDataset',
                                  'mmintern.PercentageDataset'):
        dataset = dataset.dataset
    return dataset


def _cell(value) -> str:
    if value is None:
        return '-'
    return f'{value:.1f}' if isinstance(value, float) else str(value)


def split_table(name: str, split: PercentageDataset) -> str:
    """The Markdown table of a split, in the columns of GV-B's table."""
    stats = split.statistics()
    header = ('| dataset | classes | samples total | samples kept | '
              'avg / class | min / class | max / class |')
    row = [
        name, stats['num_classes'],
        len(split.dataset), stats['num_samples'], stats['avg'], stats['min'],
        stats['max']
    ]
    return '\n'.join([
        header, '|' + '---|' * len(row),
        '| ' + ' | '.join(_cell(v) for v in row) + ' |'
    ])


def main(argv=None):
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmengine'))

    dataset_cfg = dataset_config(cfg, args.split)
    split = PercentageDataset(
        dataset_cfg, percentage=args.percentage, seed=args.seed,
        task=args.task)
    write_split_file(args.out, split.split_names())
    name = dataset_cfg.get('type', type(split.dataset).__name__)
    print(split_table(str(name), split))
    print(f'\nwrote {len(split)} of {len(split.dataset)} samples '
          f'({args.percentage:g}%, seed {args.seed}) to '
          f'{osp.abspath(args.out)}')


if __name__ == '__main__':
    main()
