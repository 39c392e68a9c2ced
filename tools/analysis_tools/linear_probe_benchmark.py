"""Linear probe on frozen MetaNet features: SGD head vs cached L-BFGS.

Both methods train a linear classifier on the same frozen backbone:

* SGD (the GV-B protocol, scaled down): only the ``LinearClsHead`` learns,
  with SGD, momentum 0.9, weight decay 1e-4 and a constant learning rate
  from a grid (default 1e-3, 1e-2, 0.1), for ``--epochs`` epochs; the
  backbone runs forward at every iteration, as in the released benchmark.
* L-BFGS (mmintern): the features are extracted once
  (:func:`extract_features`) and the probe is solved on them
  (:func:`fit_linear_probe`), its weight decay chosen on a hold-out of the
  training split.

The data is the CIFAR-10 test subset in ``data_root`` (one folder of images
per class), split per class by file name: the first ``--train-per-class``
files train, the rest test. No pretrained weights are available offline, so
the backbone has a fixed random initialisation; both classifiers see the
same features, so their comparison is fair, but the absolute accuracies are
those of random features.

Example:
    python tools/analysis_tools/linear_probe_benchmark.py --epochs 30 \
        --lrs 1e-3 1e-2 0.1
"""
import argparse
import os.path as osp
import sys
import time
from collections import defaultdict
from typing import Dict, List, Tuple

import torch
from mmengine.dataset import pseudo_collate
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope
from torch.utils.data import DataLoader

from mmpretrain.evaluation import Accuracy, SingleLabelMetric

import mmintern  # noqa: F401  (registers MetaNet)
from mmintern.engine.linear_probe import (DEFAULT_WEIGHT_DECAYS,
                                          extract_features, fit_linear_probe,
                                          predict)
from mmintern.models.backbones.metanet import MetaNet
from mmintern.utils import shared_data_root

DATA_ROOT = osp.join(shared_data_root(), 'cifar10', 'test')
# ImageNet statistics on the 0-255 scale, RGB order.
MEAN = [123.675, 116.28, 103.53]
STD = [58.395, 57.12, 57.375]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data-root', default=DATA_ROOT)
    parser.add_argument('--train-per-class', type=int, default=100,
                        help='files per class (first by name) that train')
    parser.add_argument('--arch', default='b1', help='MetaNet arch')
    parser.add_argument('--img-size', type=int, default=64)
    parser.add_argument('--epochs', type=int, default=30,
                        help='epochs of the SGD head')
    parser.add_argument('--lrs', type=float, nargs='+',
                        default=[1e-3, 1e-2, 0.1],
                        help='SGD learning rates, log-spaced in GV-B\'s '
                        'range [1e-4, 0.1] around its 0.01; the best on the '
                        'test split is reported (optimistic for SGD) and '
                        'the time is their sum')
    parser.add_argument('--batch-size', type=int, default=64)
    parser.add_argument('--sgd-weight-decay', type=float, default=1e-4)
    parser.add_argument('--max-iter', type=int, default=300,
                        help='L-BFGS iterations per fit')
    parser.add_argument('--threads', type=int, default=None,
                        help='torch threads; default: all cores')
    return parser.parse_args()


def build_datasets(data_root: str, train_per_class: int, img_size: int):
    """Train and test subsets, split per class by file name."""
    from mmpretrain.registry import DATASETS
    dataset = DATASETS.build(
        dict(
            type='CustomDataset',
            data_root=data_root,
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='Resize', scale=(img_size, img_size)),
                dict(type='PackInputs'),
            ]))
    by_class: Dict[int, List[Tuple[str, int]]] = defaultdict(list)
    for index in range(len(dataset)):
        info = dataset.get_data_info(index)
        by_class[info['gt_label']].append(
            (osp.basename(info['img_path']), index))
    train, test = [], []
    for label in sorted(by_class):
        files = sorted(by_class[label])
        if len(files) <= train_per_class:
            raise ValueError(f'class {dataset.CLASSES[label]!r} has '
                             f'{len(files)} images: none left to test with '
                             f'{train_per_class} to train')
        train += [index for _, index in files[:train_per_class]]
        test += [index for _, index in files[train_per_class:]]
    return (dataset.get_subset(sorted(train)),
            dataset.get_subset(sorted(test)), len(dataset.CLASSES))


def build_model(arch: str, num_classes: int) -> torch.nn.Module:
    from mmpretrain.registry import MODELS
    num_stages = len(MetaNet.arch_settings[arch].stages)
    # No pretrained weights offline: a fixed random initialisation. Seeded
    # before building too, as the convs keep the init of their constructor.
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            type='ImageClassifier',
            # Everything frozen, BN included (stem, stages and head conv).
            backbone=dict(
                type='MetaNet', arch=arch, frozen_stages=num_stages + 1,
                norm_eval=True),
            head=dict(
                type='LinearClsHead', num_classes=num_classes,
                in_channels=MetaNet.arch_settings[arch].head_width),
            data_preprocessor=dict(
                type='ClsDataPreprocessor', mean=MEAN, std=STD,
                to_rgb=True)))
    torch.manual_seed(0)
    model.init_weights()
    return model


def loader(dataset, batch_size: int, shuffle: bool = False) -> DataLoader:
    # Single process: with two cores, workers would compete with the
    # backbone; both methods read the data the same way.
    generator = torch.Generator().manual_seed(0) if shuffle else None
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle,
                      generator=generator, collate_fn=pseudo_collate)


def train_sgd_head(model, train_loader, lr: float, weight_decay: float,
                   epochs: int) -> float:
    """Train only the head with SGD; return the wall time in seconds."""
    optim_wrapper = OptimWrapper(
        torch.optim.SGD(model.head.parameters(), lr=lr, momentum=0.9,
                        weight_decay=weight_decay))
    model.train()  # the frozen backbone stays in eval mode
    start = time.perf_counter()
    for epoch in range(epochs):
        for batch in train_loader:
            losses = model.train_step(batch, optim_wrapper)
        print(f'  SGD lr={lr:g} epoch {epoch + 1}/{epochs}: loss '
              f'{losses["loss"].item():.4f}', flush=True)
    return time.perf_counter() - start


def main():
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    init_default_scope('mmpretrain')
    train_set, test_set, num_classes = build_datasets(
        args.data_root, args.train_per_class, args.img_size)
    model = build_model(args.arch, num_classes)
    head_init = {k: v.clone() for k, v in model.head.state_dict().items()}

    # Test features, for scoring both classifiers: the backbone is frozen
    # and in eval mode in both, so head(features) is exactly what a forward
    # pass of the classifier would give. Not part of either timing.
    print('extracting test features (for evaluation)', flush=True)
    test_x, test_y = extract_features(model, loader(test_set,
                                                    args.batch_size))

    def scores(logits):
        # GV-B's two metrics, as the dataset configs compute them (percent).
        top1 = Accuracy.calculate(logits, test_y, topk=(1, ))[0][0]
        ((_, recall, _, _), ) = SingleLabelMetric.calculate(
            logits, test_y, average='macro', num_classes=num_classes)
        return float(top1), float(recall)

    # Method A: the SGD linear head, backbone forward at every iteration.
    sgd_runs = []
    for lr in args.lrs:
        model.head.load_state_dict(head_init)
        seconds = train_sgd_head(
            model, loader(train_set, args.batch_size, shuffle=True), lr,
            args.sgd_weight_decay, args.epochs)
        with torch.inference_mode():
            logits = model.head.fc(test_x)
        sgd_runs.append((lr, seconds, *scores(logits)))
    best_lr, _, sgd_top1, sgd_mpca = max(sgd_runs, key=lambda r: r[2])
    sgd_seconds = sum(r[1] for r in sgd_runs)

    # Method B: extract once, solve with L-BFGS.
    print('L-BFGS probe: extracting train features', flush=True)
    start = time.perf_counter()
    train_x, train_y = extract_features(model, loader(train_set,
                                                      args.batch_size))
    probe = fit_linear_probe(train_x, train_y, num_classes,
                             max_iter=args.max_iter)
    probe_seconds = time.perf_counter() - start
    probe_top1, probe_mpca = scores(predict(probe, test_x))

    grid = ', '.join(f'{wd:.3g}' for wd in DEFAULT_WEIGHT_DECAYS)
    hold_out = ', '.join(f'{wd:.3g}: {100 * acc:.1f}'
                         for wd, acc in probe.val_accuracy.items())
    print(f'\ncommand: python {" ".join(sys.argv)}')
    print(f'MetaNet-{args.arch.upper()} frozen, RANDOM INITIALISATION '
          f'(torch.manual_seed(0); no pretrained weights offline), '
          f'{args.img_size}x{args.img_size} inputs, pooled '
          f'{train_x.size(1)}-d features; CIFAR-10 test subset '
          f'{args.data_root}: {len(train_set)} train / {len(test_set)} test '
          f'images, {num_classes} classes (first {args.train_per_class} '
          f'files per class by name train)')
    print(f'SGD head: {args.epochs} epochs, batch {args.batch_size}, '
          f'momentum 0.9, weight decay {args.sgd_weight_decay:g}, constant '
          f'lr in {args.lrs} (best: lr {best_lr:g}, chosen on test; time '
          f'summed over the lr grid), backbone forward every iteration')
    print(f'L-BFGS probe: standardised features, weight decay grid [{grid}] '
          f'on a 20% stratified hold-out (accuracy %: {hold_out}); chosen '
          f'{probe.weight_decay:.3g}; time includes feature extraction')
    print(f'{torch.get_num_threads()} threads, torch {torch.__version__}\n')
    print('| method | top-1 (%) | mean per-class acc (%) | wall time (s) | '
          'speed-up vs SGD |')
    print('|---|---|---|---|---|')
    # The reference is the whole SGD search (its total time); with a grid,
    # its single runs are listed for information.
    for lr, seconds, top1, mpca in sgd_runs:
        ratio = '1.0x' if len(sgd_runs) == 1 else '-'
        print(f'| SGD linear head (GV-B style), lr {lr:g} | {top1:.1f} | '
              f'{mpca:.1f} | {seconds:.1f} | {ratio} |')
    if len(sgd_runs) > 1:
        print(f'| SGD linear head, grid of {len(sgd_runs)} lrs (best on '
              f'test) | {sgd_top1:.1f} | {sgd_mpca:.1f} | {sgd_seconds:.1f} '
              '| 1.0x |')
    per_run = sgd_seconds / len(sgd_runs) / probe_seconds
    print(f'| cached features + L-BFGS (mmintern) | {probe_top1:.1f} | '
          f'{probe_mpca:.1f} | {probe_seconds:.1f} | '
          f'{sgd_seconds / probe_seconds:.1f}x ({per_run:.1f}x one SGD run) '
          '|')

if __name__ == '__main__':
    main()
