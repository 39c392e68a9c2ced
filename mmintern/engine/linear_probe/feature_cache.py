"""Extract the frozen features of a dataset once, and cache them on disk.

A linear probe never changes the backbone, so the features of a dataset are
the same at every step: running the backbone once and solving on the cached
features replaces the thousands of backbone passes of SGD training.
"""
import copy
import os
import os.path as osp
from typing import Optional, Tuple

import torch
from mmengine.logging import print_log
from mmengine.utils import ProgressBar


def _labels(data_samples) -> torch.Tensor:
    labels = []
    for sample in data_samples:
        label = torch.as_tensor(sample.gt_label)
        # A linear probe is single-label; a multi-label or one-hot target
        # would be silently truncated by taking its first entry.
        if label.numel() != 1:
            raise ValueError(f'expected one class index per sample, got a '
                             f'gt_label of shape {tuple(label.shape)}')
        labels.append(int(label.reshape(-1)[0]))
    return torch.tensor(labels, dtype=torch.int64)


def _flat_features(feats) -> torch.Tensor:
    # Backbones return a tuple of features; the probe uses the last, the
    # pooled vector for MetaNet (out_indices=-1).
    if isinstance(feats, (tuple, list)):
        feats = feats[-1]
    return feats.flatten(start_dim=1).float()


def _load_cache(cache_file: str,
                num_samples: int) -> Optional[Tuple[torch.Tensor, ...]]:
    # weights_only: a cache holds tensors and ints only, and may come from a
    # shared folder; refuse to unpickle anything else.
    cache = torch.load(cache_file, map_location='cpu', weights_only=True)
    cached = cache['meta']['num_samples']
    if cached != num_samples:
        print_log(
            f'feature cache {cache_file} holds {cached} samples but the '
            f'dataset has {num_samples}: recomputing it', logger='current')
        return None
    print_log(f'loaded {cached} features of dim {cache["meta"]["dim"]} '
              f'from {cache_file}', logger='current')
    return cache['features'], cache['labels']


def _save_cache(cache_file: str, features: torch.Tensor,
                labels: torch.Tensor) -> None:
    dirname = osp.dirname(osp.abspath(cache_file))
    os.makedirs(dirname, exist_ok=True)
    cache = dict(
        features=features, labels=labels,
        meta=dict(num_samples=features.size(0), dim=features.size(1)))
    # Write then rename: an interrupted run must not leave a truncated file
    # that a later run would try to load.
    tmp_file = f'{cache_file}.tmp'
    torch.save(cache, tmp_file)
    os.replace(tmp_file, cache_file)
    print_log(f'saved {features.size(0)} features to {cache_file}',
              logger='current')


def one_pass_loader(loader_cfg: dict) -> dict:
    """A copy of a dataloader config that visits every sample once, in
    order (a training loader's ``InfiniteSampler`` would never end)."""
    loader_cfg = copy.deepcopy(loader_cfg)
    loader_cfg['sampler'] = dict(type='DefaultSampler', shuffle=False)
    loader_cfg.pop('batch_sampler', None)
    return loader_cfg


def extract_features(
        model: torch.nn.Module,
        dataloader,
        cache_file: Optional[str] = None
) -> Tuple[torch.Tensor, torch.Tensor]:
    """Features and labels of a whole dataset from a frozen model.

    Each batch goes through ``model.data_preprocessor(batch, False)`` and
    ``model.extract_feat(inputs)`` in eval mode under
    ``torch.inference_mode()``; the last feature of a tuple is flattened to
    [B, D]. The model's train/eval mode is restored afterwards.

    Args:
        model (torch.nn.Module): An mmpretrain ``ImageClassifier``, or any
            mmengine model with ``data_preprocessor`` and ``extract_feat``.
        dataloader: A dataloader whose batches are dicts with ``inputs`` and
            ``data_samples`` (each sample has a scalar ``gt_label``), and
            whose ``dataset`` has a length.
        cache_file (str, optional): Where to cache the features. When the
            file exists and holds ``len(dataloader.dataset)`` samples, it is
            loaded instead of running the model; otherwise the features are
            computed and written there. Defaults to None (no cache).

    Returns:
        Tuple[torch.Tensor, torch.Tensor]: Features [N, D] (float32) and
        labels [N] (int64), on the CPU.
    """
    num_samples = len(dataloader.dataset)
    if num_samples == 0:
        raise ValueError('cannot extract features from an empty dataset')
    if cache_file is not None and osp.isfile(cache_file):
        cached = _load_cache(cache_file, num_samples)
        if cached is not None:
            return cached

    was_training = model.training
    model.eval()
    features, labels = [], []
    progress = ProgressBar(num_samples)
    try:
        with torch.inference_mode():
            for batch in dataloader:
                data = model.data_preprocessor(batch, False)
                feats = _flat_features(model.extract_feat(data['inputs']))
                features.append(feats.cpu())
                labels.append(_labels(data['data_samples']))
                progress.update(feats.size(0))
    finally:
        model.train(was_training)
    progress.file.write('\n')  # ProgressBar leaves the cursor on its line
    # Concatenating outside inference mode gives ordinary tensors, which
    # autograd (the solver) and in-place ops accept.
    features, labels = torch.cat(features), torch.cat(labels)
    if features.size(0) != num_samples:
        raise RuntimeError(f'the dataloader gave {features.size(0)} samples '
                           f'but its dataset has {num_samples}; a sampler '
                           'that drops or repeats samples cannot be cached')
    if cache_file is not None:
        _save_cache(cache_file, features, labels)
    return features, labels
