"""Throughput of MetaNet against mmpretrain peers, measured in one run.

For each model (1000-class classifier, 224x224): parameters, GMACs
(mmengine's analysis, attention counted) and images/s at each ``--batches``
size, with ratios against Swin-T measured in the same process.

- inference (default): eval mode under ``torch.inference_mode``;
  ``--deploy`` gives every model the treatment mmintern gives a frozen
  backbone (``mmintern.models.utils.fold_for_inference``): BN folded into
  the preceding conv where that keeps the outputs, channels-last;
- ``--train``: train mode, forward + backward of the mean logit + an SGD
  step, so that the figure a user trains at is measured.

``--device cuda`` times on the GPU (synchronised around every iteration);
``--bf16`` runs the forward under bf16 autocast.

Examples:
    python tools/analysis_tools/benchmark.py --archs b1 b4 b7
    python tools/analysis_tools/benchmark.py --archs b4 --peers Swin-T \
        --device cuda --train --bf16 --batches 64
"""
import argparse
import statistics
import time

import torch
from mmengine.analysis import get_model_complexity_info
from mmengine.config import Config
from mmengine.registry import MODELS, init_default_scope

import mmintern  # noqa: F401
from mmintern.models.utils import fold_for_inference

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
                      deploy: bool, train: bool = False,
                      bf16: bool = False) -> float:
    device = next(model.parameters()).device
    x = torch.randn(batch, 3, 224, 224, device=device)
    if deploy:
        x = x.contiguous(memory_format=torch.channels_last)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-4) \
        if train else None

    def step():
        with torch.autocast(device.type, torch.bfloat16, enabled=bf16):
            out = model(x)
        if train:
            optimizer.zero_grad(set_to_none=True)
            out.float().mean().backward()
            optimizer.step()

    def sync():
        if device.type == 'cuda':
            torch.cuda.synchronize(device)

    model.train(train)
    with torch.inference_mode(not train):
        for _ in range(warmup):
            step()
        times = []
        for _ in range(iters):
            sync()
            start = time.perf_counter()
            step()
            sync()
            times.append(time.perf_counter() - start)
    return batch / statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--archs', nargs='+', default=['b1', 'b4', 'b7'])
    parser.add_argument('--peers', nargs='+', default=list(PEERS),
                        choices=list(PEERS),
                        help=f'must include {REFERENCE}, the reference')
    parser.add_argument('--batches', nargs='+', type=int, default=[1, 16])
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--train', action='store_true',
                        help='time forward + backward + SGD step')
    parser.add_argument('--bf16', action='store_true',
                        help='bf16 autocast for the forward')
    parser.add_argument('--iters', type=int, default=10)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--deploy', action='store_true',
                        help='fuse conv + BN and feed channels-last inputs '
                        'for every model')
    parser.add_argument('--threads', type=int, default=None,
                        help='torch threads; default: all cores')
    args = parser.parse_args()
    if REFERENCE not in args.peers:
        parser.error(f'--peers must include {REFERENCE}: the ratios are '
                     'against it')
    if args.threads:
        torch.set_num_threads(args.threads)

    builders = {f'MN-{a.upper()}': (build_metanet, a) for a in args.archs}
    builders.update({name: (build_peer, name) for name in args.peers})
    rows = {}
    for name, (build, key) in builders.items():
        model = build(key).eval()
        info = get_model_complexity_info(model, (3, 224, 224),
                                         show_table=False, show_arch=False)
        if args.deploy:
            model = fold_for_inference(model, torch.randn(2, 3, 224, 224))
        model = model.to(args.device)
        rows[name] = dict(params=info['params'] / 1e6,
                          gmacs=info['flops'] / 1e9)
        for batch in args.batches:
            # Larger batches take longer per iteration: fewer iterations.
            iters = args.iters if batch == 1 else max(args.iters // 2, 3)
            rows[name][batch] = images_per_second(
                model, batch, iters, args.warmup, args.deploy, args.train,
                args.bf16)
        del model
        print(f'measured {name}', flush=True)

    ref = rows[REFERENCE]
    mode = 'training (fwd + bwd + SGD step)' if args.train else 'inference'
    mode += ', deploy (conv+BN fused, channels-last)' if args.deploy \
        else ', as built'
    mode += ', bf16 autocast' if args.bf16 else ', fp32'
    where = (torch.cuda.get_device_name(args.device)
             if args.device.startswith('cuda') else
             f'CPU, {torch.get_num_threads()} threads')
    print(f'\n{where}, {mode}, 224x224, torch {torch.__version__}; ratios '
          f'against {REFERENCE}')
    batches = args.batches
    print('| model | params (M) | GMACs | ' +
          ' | '.join(f'img/s b{b}' for b in batches) + ' | ' +
          ' | '.join(f'x b{b}' for b in batches) + ' |')
    print('|---' * (3 + 2 * len(batches)) + '|')
    for name, r in rows.items():
        print(f'| {name} | {r["params"]:.1f} | {r["gmacs"]:.2f} | ' +
              ' | '.join(f'{r[b]:.1f}' for b in batches) + ' | ' +
              ' | '.join(f'{r[b] / ref[b]:.2f}' for b in batches) + ' |')


if __name__ == '__main__':
    main()
