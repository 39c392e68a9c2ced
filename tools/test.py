"""Evaluate a checkpoint with an mmpretrain, mmdet, mmseg or mmintern config."""
import argparse
import json
import os.path as osp

from mmengine.config import Config
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

import mmintern  # noqa: F401  (registers MetaNet, safe checkpoint loading)
from mmintern.utils.cli import (apply_common_options, close_distributed,
                                init_cpu_distributed, parse_tool_args)
from mmintern.utils.pretrained import SCHEME


def parse_args():
    parser = argparse.ArgumentParser(description='Test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument(
        'checkpoint', help='checkpoint file, or mmintern://<name> (offline '
        'pretrained weights, mmintern/utils/pretrained.py)')
    parser.add_argument('--out', help='dump the metrics to this json file')
    return parse_tool_args(parser)


def main():
    args = parse_args()
    if not osp.isfile(args.checkpoint) and \
            not args.checkpoint.startswith(SCHEME):
        raise FileNotFoundError(f'checkpoint {args.checkpoint} does not exist '
                                f'(nor is it a {SCHEME} name)')
    cfg = Config.fromfile(args.config)
    cfg = apply_common_options(cfg, args)
    cfg.load_from = args.checkpoint
    if args.amp:
        cfg.test_cfg.fp16 = True
    init_cpu_distributed(cfg)
    runner = RUNNERS.build(cfg) if 'runner_type' in cfg \
        else Runner.from_cfg(cfg)
    try:
        metrics = runner.test()
    finally:
        close_distributed()
    if args.out and runner.rank == 0:
        with open(args.out, 'w') as f:
            json.dump({k: float(v) for k, v in metrics.items()}, f, indent=2)
        print(f'metrics written to {args.out}')


if __name__ == '__main__':
    main()
