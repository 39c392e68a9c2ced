"""What "frozen means cheap" saves: a frozen GV-B backbone as built against
the same backbone through ``fold_for_inference`` (BN folded into the
convolutions where the outputs stay the same, channels-last), in one run.

The two are timed in turn, ``--repeats`` times, on the same batch; the
table gives images/s of each and the median ratio (with its range), so
other load on the machine hits both alike.

Example::

    python tools/analysis_tools/frozen_backbone_benchmark.py --threads 1 \\
        --specs configs/gvb/backbones/metanet-b1.py \\
        configs/gvb/backbones/efficientnet-lite0.py
"""
import argparse
import statistics
import time

import torch
from mmengine.registry import MODELS, DefaultScope

import mmintern  # noqa: F401
from mmintern.gvb import load_backbone_spec
from mmintern.models.utils import fold_for_inference


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--specs', nargs='+', default=[
        'configs/gvb/backbones/metanet-b1.py',
        'configs/gvb/backbones/efficientnet-lite0.py'])
    parser.add_argument('--batch', type=int, default=16)
    parser.add_argument('--size', type=int, default=224)
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--threads', type=int, default=None)
    return parser.parse_args(argv)


def seconds(model, x) -> float:
    with torch.inference_mode():
        start = time.perf_counter()
        model(x)
        return time.perf_counter() - start


def count_norms(model) -> int:
    return sum(isinstance(m, torch.nn.modules.batchnorm._BatchNorm)
               for m in model.modules())


def main(argv=None):
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x = torch.randn(args.batch, 3, args.size, args.size)
    print(f'batch {args.batch} at {args.size} px, {torch.get_num_threads()} '
          f'threads, {args.repeats} alternating repeats\n')
    print('| backbone | form | BN layers | as built (img/s) | folded (img/s) '
          '| ratio (median, range) |\n|---|---|---|---|---|---|')
    for path in args.specs:
        spec = load_backbone_spec(path)
        forms = dict(pooled=(spec.pooled_out_indices, spec.pooled_backbone),
                     dense=(spec.dense_out_indices, spec.dense_backbone))
        for form, (indices, extra) in forms.items():
            cfg = spec.backbone_cfg(indices, extra)
            cfg.pop('init_cfg', None)  # the weights do not change the time
            with DefaultScope.overwrite_default_scope('mmpretrain'):
                model = MODELS.build(cfg)
            model.eval()
            fast = fold_for_inference(model, x[:2])
            seconds(model, x), seconds(fast, x)  # warm-up
            pairs = [(seconds(model, x), seconds(fast, x))
                     for _ in range(args.repeats)]
            ratios = [a / b for a, b in pairs]
            built = args.batch / statistics.median(a for a, _ in pairs)
            folded = args.batch / statistics.median(b for _, b in pairs)
            print(f'| {path.split("/")[-1]} | {form} | {count_norms(model)} '
                  f'-> {count_norms(fast)} | {built:.1f} | {folded:.1f} | '
                  f'{statistics.median(ratios):.2f}x ({min(ratios):.2f}-'
                  f'{max(ratios):.2f}) |', flush=True)


if __name__ == '__main__':
    main()
