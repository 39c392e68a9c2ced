"""CPU throughput of MetaNet against mmpretrain peers, measured in one run.

For each model (1000-class classifier, eval mode, 224x224): parameters,
GMACs (mmengine's analysis, attention counted) and images/s at batch 1 and
16, with ratios against Swin-T measured in the same process. ``--deploy``
gives every model the usual inference treatment: BN folded into the
preceding conv (mmcv's ``fuse_conv_bn``) and channels-last inputs.

Example:
    python tools/analysis_tools/benchmark.py --archs b1 b4 b7
"""
import argparse
import statistics
import time

import torch
from mmcv.cnn import fuse_conv_bn
from mmengine.analysis import get_model_complexity_info
from mmengine.config import Config
from mmengine.registry import MODELS, init_default_scope

import mmintern  # noqa: F401

METANET_CONFIG = 'configs/metanet/metanet-b4_8xb128_in1k.py'
PEERS = {
    'Swin-T': 'swin-tiny_16xb64_in1k',
    'ConvNeXt-T': 'convnext-tiny_32xb128_in1k',
    'ResNet-50': 'resnet50_8xb32_in1k',
}
REFERENCE = 'Swin-T'


def build_metanet(arch: str) -> torch.nn.Module:
    cfg = Config.fromfile(METANET_CONFIG)
    cfg.model.backbone.arch = arch
    init_default_scope('mmpretrain')
    return MODELS.build(cfg.model)


def build_peer(name: str) -> torch.nn.Module:
    import mmpretrain
    return mmpretrain.get_model(PEERS[name], pretrained=False)


def images_per_second(model, batch: int, iters: int, warmup: int,
                      deploy: bool) -> float:
    x = torch.randn(batch, 3, 224, 224)
    if deploy:
        x = x.contiguous(memory_format=torch.channels_last)
    with torch.inference_mode():
        for _ in range(warmup):
            model(x)
        times = []
        for _ in range(iters):
            start = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - start)
    return batch / statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--archs', nargs='+', default=['b1', 'b4', 'b7'])
    parser.add_argument('--iters', type=int, default=10)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--deploy', action='store_true',
                        help='fuse conv + BN and feed channels-last inputs '
                        'for every model')
    parser.add_argument('--threads', type=int, default=None,
                        help='torch threads; default: all cores')
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    builders = {f'MN-{a.upper()}': (build_metanet, a) for a in args.archs}
    builders.update({name: (build_peer, name) for name in PEERS})
    rows = {}
    for name, (build, key) in builders.items():
        model = build(key).eval()
        info = get_model_complexity_info(model, (3, 224, 224),
                                         show_table=False, show_arch=False)
        if args.deploy:
            model = fuse_conv_bn(model)
        rows[name] = dict(
            params=info['params'] / 1e6, gmacs=info['flops'] / 1e9,
            b1=images_per_second(model, 1, args.iters, args.warmup,
                                 args.deploy),
            b16=images_per_second(model, 16, max(args.iters // 2, 3),
                                  args.warmup, args.deploy))
        print(f'measured {name}', flush=True)

    ref = rows[REFERENCE]
    mode = 'deploy (conv+BN fused, channels-last)' if args.deploy \
        else 'as built'
    print(f'\nCPU inference, 224x224, {mode}, {torch.get_num_threads()} '
          f'threads, torch {torch.__version__}; ratios against {REFERENCE}')
    print('| model | params (M) | GMACs | img/s b1 | img/s b16 | '
          'x b1 | x b16 |')
    print('|---|---|---|---|---|---|---|')
    for name, r in rows.items():
        print(f'| {name} | {r["params"]:.1f} | {r["gmacs"]:.2f} | '
              f'{r["b1"]:.1f} | {r["b16"]:.1f} | {r["b1"] / ref["b1"]:.2f} | '
              f'{r["b16"] / ref["b16"]:.2f} |')


if __name__ == '__main__':
    main()
