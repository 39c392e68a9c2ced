"""A dataset wrapper that keeps a reproducible percentage of a dataset.

GV-B trains on 10% of each downstream dataset. :class:`PercentageDataset`
makes that subset from the labels of the wrapped dataset (see
:mod:`mmintern.datasets.percentage_split`), or reads it from a split list,
so a config only wraps its usual dataset:

.. code-block:: python

    train_dataloader = dict(dataset=dict(
        type='PercentageDataset', percentage=10, task='detection',
        dataset=dict(type='CocoDataset', ...)))

It never imports mmdet or mmseg: it reads only the data infos those
datasets produce.
"""
import copy
import logging
import os.path as osp
from typing import Dict, List, Optional, Sequence, Union

import mmcv
import numpy as np
from mmengine.dataset.base_dataset import force_full_init
from mmengine.logging import print_log
from mmengine.registry import DATASETS

from mmintern.registry import register_dataset
from .percentage_split import (check_percentage, check_seed,
                               class_proportional_split, image_split,
                               read_split_file, split_statistics)

TASKS = ('classification', 'detection', 'segmentation', 'depth')

# The ignore value of mmseg's label maps.
SEG_IGNORE = 255


@register_dataset
class PercentageDataset:
    """Keep ``percentage`` percent of a dataset, or the samples of a list.

    Classification keeps the same share of every class
    (:func:`class_proportional_split`); multi-label classification,
    detection, segmentation and depth keep a share of the images that still
    holds every class (:func:`image_split`). With ``split_file`` the split
    is read instead of made: the file lists sample names, the ``img_path``
    of each sample relative to the wrapped dataset's ``data_root`` (its
    basename when there is no ``data_root``).

    The classes of a sample come from ``dataset.get_data_info(i)``:

    - classification: ``gt_label``, an int or an array of ints;
    - detection: the ``bbox_label`` of its ``instances``, leaving out those
      with ``ignore_flag`` 1;
    - segmentation: the values of the label map at ``seg_map_path``, mapped
      as mmseg's ``LoadAnnotations`` maps them (``reduce_zero_label``:
      0 is ignored and ``v`` becomes ``v - 1``; then ``label_map``),
      leaving out 255 and the dataset's ``ignore_index``;
    - depth: none, so the split is a plain random share of the images.

    Like mmengine's ``ClassBalancedDataset`` it is a wrapper, not a
    ``BaseDataset``, and has no ``get_subset``.

    Args:
        dataset (BaseDataset | dict): The dataset, or its config, built with
            mmengine's root ``DATASETS`` registry.
        percentage (float, optional): Share of the samples to keep, in
            percent, in (0, 100]. Give it or ``split_file``, not both.
        split_file (str, optional): A list written by
            :func:`write_split_file` (or ``make_gvb_splits.py``); every
            name in it must be a sample of the dataset. Samples that share a
            name are all kept.
        seed (int): Non-negative seed of the split. Defaults to 0.
        task (str): One of ``'classification'``, ``'detection'``,
            ``'segmentation'`` and ``'depth'``. Defaults to
            ``'classification'``.
        lazy_init (bool): Defer loading the annotations and making the
            split until :meth:`full_init`. Defaults to False.
    """

    def __init__(self,
                 dataset: Union[dict, object],
                 percentage: Optional[float] = None,
                 split_file: Optional[str] = None,
                 seed: int = 0,
                 task: str = 'classification',
                 lazy_init: bool = False):
        if (percentage is None) == (split_file is None):
            raise ValueError(
                'give exactly one of percentage and split_file, got '
                f'percentage={percentage!r}, split_file={split_file!r}')
        if percentage is not None:
            percentage = check_percentage(percentage)
        seed = check_seed(seed)
        if task not in TASKS:
            raise ValueError(f'task must be one of {TASKS}, got {task!r}')
        if isinstance(dataset, dict):
            dataset = DATASETS.build(dataset)
        elif not hasattr(dataset, 'get_data_info'):
            raise TypeError('dataset must be a config dict or a dataset with '
                            f'get_data_info, got {type(dataset)}')
        self.dataset = dataset
        self.percentage = percentage
        self.split_file = split_file
        self.seed = seed
        self.task = task
        self._metainfo = dataset.metainfo
        self._sample_classes: Optional[list] = None
        self._names: Optional[List[str]] = None
        self.indices: List[int] = []

        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    @property
    def metainfo(self) -> dict:
        """The meta information of the wrapped dataset (a copy)."""
        return copy.deepcopy(self._metainfo)

    def full_init(self) -> None:
        """Load the wrapped dataset and make (or read) the split."""
        if self._fully_initialized:
            return
        if hasattr(self.dataset, 'full_init'):
            self.dataset.full_init()
        if self.split_file is not None:
            self.indices = self._indices_from_file(self.split_file)
        else:
            self.indices = self._make_split()
        self._fully_initialized = True

    def _make_split(self) -> List[int]:
        classes = self.sample_classes()
        if self.task == 'classification' and \
                all(len(c) == 1 for c in classes):
            return class_proportional_split([c[0] for c in classes],
                                            self.percentage, self.seed)
        # Multi-label classification lands here too: its samples, like
        # images, hold sets of classes.
        return image_split(classes, self.percentage, self.seed)

    def _indices_from_file(self, path: str) -> List[int]:
        where: Dict[str, List[int]] = {}
        for index, name in enumerate(self.sample_names()):
            where.setdefault(name, []).append(index)
        indices = []
        for name in read_split_file(path):
            if name not in where:
                raise ValueError(
                    f'{name!r}, listed in the split file {path!r}, is not a '
                    f'sample of the dataset ({type(self.dataset).__name__} '
                    f'with data_root {self._data_root()!r})')
            indices.extend(where[name])
        return sorted(set(indices))

    # The names and classes of the samples of the *wrapped* dataset.

    def _data_root(self) -> Optional[str]:
        return getattr(self.dataset, 'data_root', None)

    def sample_names(self) -> List[str]:
        """The name of every sample of the wrapped dataset.

        Returns:
            list[str]: ``img_path`` relative to the dataset's ``data_root``
            with ``/`` separators, or its basename without a data root.
        """
        if self._names is None:
            root = self._data_root()
            self._names = [
                self._name_of(self.dataset.get_data_info(i), i, root)
                for i in range(len(self.dataset))
            ]
        return self._names

    @staticmethod
    def _name_of(info: dict, index: int, root: Optional[str]) -> str:
        path = info.get('img_path')
        if path is None:
            raise KeyError(f'sample {index} has no img_path to name it by; '
                           f'its keys are {sorted(info)}')
        name = osp.relpath(path, root) if root else osp.basename(path)
        # '/' on every OS, so list files are portable.
        return name.replace(osp.sep, '/')

    def sample_classes(self) -> List[List[int]]:
        """The classes of every sample of the wrapped dataset.

        Returns:
            list[list[int]]: Sorted class ids per sample; empty for depth.
        """
        if self._sample_classes is None:
            read = getattr(self, f'_{self.task}_classes')
            self._sample_classes = [
                read(self.dataset.get_data_info(i), i)
                for i in range(len(self.dataset))
            ]
        return self._sample_classes

    @staticmethod
    def _classification_classes(info: dict, index: int) -> List[int]:
        if 'gt_label' not in info:
            raise KeyError(f'sample {index} has no gt_label; its keys are '
                           f'{sorted(info)}')
        labels = np.asarray(info['gt_label']).reshape(-1)
        return sorted({int(label) for label in labels})

    @staticmethod
    def _detection_classes(info: dict, index: int) -> List[int]:
        return sorted({
            int(instance['bbox_label'])
            for instance in info.get('instances', [])
            if instance.get('ignore_flag', 0) != 1
        })

    def _segmentation_classes(self, info: dict, index: int) -> List[int]:
        path = info.get('seg_map_path')
        if path is None:
            raise KeyError(f'sample {index} has no seg_map_path; its keys '
                           f'are {sorted(info)}')
        # uint8 as mmseg's LoadAnnotations reads it, so the classes are the
        # ones training sees.
        seg = mmcv.imread(path, flag='unchanged')
        if seg is None:
            raise FileNotFoundError(f'cannot read the label map {path!r} of '
                                    f'sample {index}')
        values = np.unique(seg.astype(np.uint8))
        reduce_zero_label = info.get(
            'reduce_zero_label',
            getattr(self.dataset, 'reduce_zero_label', False))
        label_map = info.get('label_map') or {}
        ignored = {SEG_IGNORE, getattr(self.dataset, 'ignore_index',
                                       SEG_IGNORE)}
        classes = set()
        # Mapping the distinct values is the same as mapping every pixel.
        for value in values.tolist():
            if reduce_zero_label:
                if value in (0, SEG_IGNORE):
                    continue
                value -= 1
            value = label_map.get(value, value)
            if value not in ignored:
                classes.add(int(value))
        return sorted(classes)

    @staticmethod
    def _depth_classes(info: dict, index: int) -> List[int]:
        return []

    # The split.

    @force_full_init
    def split_names(self) -> List[str]:
        """Names of the samples in the split, in index order."""
        names = self.sample_names()
        return [names[i] for i in self.indices]

    @force_full_init
    def statistics(self) -> dict:
        """Samples per class in the split; see :func:`split_statistics`.

        The number of classes is that of the dataset's ``classes`` meta
        information when it has one.
        """
        classes = self._metainfo.get('classes')
        return split_statistics(
            self.sample_classes(), self.indices,
            len(classes) if classes is not None else None)

    # The dataset interface, on the split.

    @force_full_init
    def _get_ori_dataset_idx(self, idx: int) -> int:
        return self.indices[idx]

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        """The data info of the ``idx``-th sample of the split."""
        return self.dataset.get_data_info(self._get_ori_dataset_idx(idx))

    @force_full_init
    def get_cat_ids(self, idx: int) -> List[int]:
        """The category ids of the ``idx``-th sample of the split."""
        return self.dataset.get_cat_ids(self._get_ori_dataset_idx(idx))

    def __getitem__(self, idx: int):
        if not self._fully_initialized:
            print_log(
                'Please call `full_init` method manually to accelerate '
                'the speed.',
                logger='current',
                level=logging.WARNING)
            self.full_init()
        return self.dataset[self._get_ori_dataset_idx(idx)]

    @force_full_init
    def __len__(self) -> int:
        return len(self.indices)

    def get_subset_(self, indices: Union[List[int], int]) -> None:
        """Not supported: a subset of a split is ambiguous."""
        raise NotImplementedError(
            'PercentageDataset has no get_subset_ / get_subset; use the '
            '`indices` argument of the wrapped dataset instead.')

    def get_subset(self, indices: Union[Sequence[int], int]):
        """Not supported: a subset of a split is ambiguous."""
        raise NotImplementedError(
            'PercentageDataset has no get_subset_ / get_subset; use the '
            '`indices` argument of the wrapped dataset instead.')
