"""Multi-dataset sampling of Up-E / Up-G, INTERN's multi-task pre-training.

INTERN: A New Learning Paradigm Towards General Vision
(https://arxiv.org/abs/2111.08687), Sec. 3.3: the experts and the
generalist are trained on several datasets at once, each with its own head,
sampled with chosen ratios.
"""
import itertools
from typing import Iterator, List, Optional, Sequence

import torch
from mmengine.dist import get_dist_info, sync_random_seed
from torch.utils.data import Sampler

from mmintern.registry import register_sampler

__all__ = ['RatioMultiDatasetSampler']


@register_sampler
class RatioMultiDatasetSampler(Sampler):
    """Infinite sampler over a ``ConcatDataset`` with per-dataset ratios,
    every batch from a single dataset.

    The sampler yields indices of the concatenated dataset, ``batch_size``
    at a time; each run of ``batch_size`` consecutive indices (one batch of
    a DataLoader with the same ``batch_size``) comes from one dataset, so a
    multi-head model (e.g. :class:`MultiHeadClassifier`) sees homogeneous
    batches: each dataset's head gets whole batches, and images of one
    batch share the dataset's pipeline (same sizes to stack). **The
    DataLoader's** ``batch_size`` **must equal this** ``batch_size``.

    At each step one dataset is drawn with probability
    ``ratios[d] / sum(ratios)`` by a generator seeded with ``seed + epoch``,
    the same on every rank, so all ranks train the same dataset (the same
    heads) at the same step. Each dataset has its own stream of shuffled
    permutations; a step takes the next ``batch_size * world_size`` indices
    of it, and rank ``r`` gets the ``r``-th slice: ranks draw disjoint
    indices (except where a step straddles the end of a permutation, or a
    dataset is smaller than ``batch_size * world_size``).

    Every ``iter()`` starts again from the beginning of the sequence of its
    epoch (:meth:`set_epoch`), like mmengine's ``DefaultSampler``; with the
    iteration-based loop the sampler is iterated once and never ends.

    Config (mmengine runner; ``dataset`` and ``seed`` are filled in)::

        train_dataloader = dict(
            batch_size=32,
            sampler=dict(type='RatioMultiDatasetSampler', batch_size=32,
                         ratios=[2, 1]),
            dataset=dict(type='ConcatDataset', datasets=[...]))

    Args:
        dataset (ConcatDataset): An mmengine (or torch) ``ConcatDataset``:
            its ``datasets`` and ``cumulative_sizes`` are used.
        batch_size (int): The batch size of the DataLoader, per rank.
        ratios (Sequence[float], optional): Sampling weight of each
            dataset (need not sum to 1). None weighs them by size.
        shuffle (bool): Shuffle each dataset's indices (else sequential,
            cycling). Defaults to True.
        seed (int, optional): Random seed; None draws one and syncs it
            across ranks.
        rank (int, optional): This process's rank; None reads it from
            ``mmengine.dist``.
        world_size (int, optional): The number of ranks; None reads it
            from ``mmengine.dist``.
    """

    def __init__(self,
                 dataset,
                 batch_size: int,
                 ratios: Optional[Sequence[float]] = None,
                 shuffle: bool = True,
                 seed: Optional[int] = None,
                 rank: Optional[int] = None,
                 world_size: Optional[int] = None) -> None:
        if not hasattr(dataset, 'datasets') or \
                not hasattr(dataset, 'cumulative_sizes'):
            raise TypeError('RatioMultiDatasetSampler needs a ConcatDataset '
                            f'(with datasets and cumulative_sizes), got '
                            f'{type(dataset).__name__}')
        if batch_size < 1:
            raise ValueError(f'batch_size must be positive, got {batch_size}')
        dist_rank, dist_world_size = get_dist_info()
        self.rank = dist_rank if rank is None else rank
        self.world_size = dist_world_size if world_size is None \
            else world_size
        if not 0 <= self.rank < self.world_size:
            raise ValueError(f'rank {self.rank} is not in [0, '
                             f'{self.world_size})')
        self.dataset = dataset
        self.batch_size = batch_size
        self.sizes: List[int] = [len(d) for d in dataset.datasets]
        if not self.sizes:
            raise ValueError('the ConcatDataset has no datasets')
        self.offsets = [0] + list(dataset.cumulative_sizes[:-1])
        if ratios is None:
            ratios = self.sizes
        ratios = [float(r) for r in ratios]
        if len(ratios) != len(self.sizes):
            raise ValueError(f'{len(ratios)} ratios for {len(self.sizes)} '
                             'datasets')
        if any(r < 0 for r in ratios) or sum(ratios) <= 0:
            raise ValueError(f'ratios must be >= 0 with a positive sum, got '
                             f'{ratios}')
        for r, size in zip(ratios, self.sizes):
            if r > 0 and size == 0:
                raise ValueError('a dataset with a positive ratio is empty')
        self.ratios = ratios
        self.shuffle = shuffle
        self.seed = sync_random_seed() if seed is None else seed
        self.epoch = 0

    def _stream(self, d: int, generator: torch.Generator) -> Iterator[int]:
        """Indices (into the concatenation) of dataset ``d``, forever."""
        size, offset = self.sizes[d], self.offsets[d]
        while True:
            order = torch.randperm(size, generator=generator) \
                if self.shuffle else torch.arange(size)
            yield from (order + offset).tolist()

    def __iter__(self) -> Iterator[int]:
        seed = self.seed + self.epoch
        choice = torch.Generator().manual_seed(seed)
        streams = [
            self._stream(d, torch.Generator().manual_seed(
                (seed * 1000003 + d + 1) % 2**63))
            for d in range(len(self.sizes))
        ]
        weights = torch.tensor(self.ratios, dtype=torch.float64)
        step = self.batch_size * self.world_size
        start = self.rank * self.batch_size
        while True:
            d = int(torch.multinomial(weights, 1, generator=choice))
            chunk = list(itertools.islice(streams[d], step))
            yield from chunk[start:start + self.batch_size]

    def __len__(self) -> int:
        """Length of the concatenated dataset (the sampler never ends)."""
        return len(self.dataset)

    def set_epoch(self, epoch: int) -> None:
        """Reseed with ``seed + epoch`` for the next ``iter()``."""
        self.epoch = epoch
