"""SVHN (cropped digits) from the official ``*_32x32.mat`` files."""
import os.path as osp

import numpy as np

from mmintern.datasets.image_folders import require_file
from mmintern.registry import register_dataset
from .base import ArrayImageDataset

SVHN_FILES = dict(
    train='train_32x32.mat', test='test_32x32.mat', extra='extra_32x32.mat')


@register_dataset
class SVHNMat(ArrayImageDataset):
    """The Street View House Numbers dataset, format 2 (cropped digits).

    Reads ``data_root/<split>_32x32.mat`` as published at
    http://ufldl.stanford.edu/housenumbers/: ``X`` holds the images as a
    [32, 32, 3, N] uint8 RGB array and ``y`` their [N, 1] labels, where
    label 10 stands for the digit 0. Class ``i`` is the digit ``i``.

    Args:
        data_root (str): The folder holding the ``.mat`` files.
        split (str): ``'train'``, ``'test'`` or ``'extra'``. Defaults to
            ``'train'``.
        **kwargs: Other arguments of mmpretrain's ``BaseDataset``; the
            pipeline must not start with ``LoadImageFromFile``.
    """
    METAINFO = dict(classes=tuple(str(digit) for digit in range(10)))

    def __init__(self, data_root: str, split: str = 'train', **kwargs):
        if split not in SVHN_FILES:
            raise ValueError(f'split must be one of {tuple(SVHN_FILES)}, '
                             f'got {split!r}')
        self.split = split
        self._images = None
        super().__init__(ann_file=SVHN_FILES[split], data_root=data_root,
                         test_mode=split == 'test', **kwargs)

    def load_data_list(self):
        """Load the images into memory and list the samples."""
        # scipy is imported here so that the package imports without it.
        from scipy.io import loadmat
        path = require_file(
            self.ann_file, f'the SVHN {self.split} set, '
            f'{SVHN_FILES[self.split]} from '
            'http://ufldl.stanford.edu/housenumbers/')
        mat = loadmat(path)
        if 'X' not in mat or 'y' not in mat:
            keys = sorted(k for k in mat if not k.startswith('_'))
            raise KeyError(f'{path} has no X / y arrays; its keys are {keys}')
        # [32, 32, 3, N] RGB -> [N, 32, 32, 3] BGR, once for the whole set.
        self._images = np.ascontiguousarray(
            mat['X'].transpose(3, 0, 1, 2)[..., ::-1])
        labels = mat['y'].reshape(-1).astype(np.int64) % 10
        if len(labels) != len(self._images):
            raise ValueError(f'{path}: {len(self._images)} images but '
                             f'{len(labels)} labels')
        name = osp.basename(path)
        return [
            dict(img_index=i, gt_label=int(label),
                 img_path=self.sample_name(name, i))
            for i, label in enumerate(labels)
        ]

    def read_image(self, info: dict) -> np.ndarray:
        """The BGR image of the sample."""
        return self._images[info['img_index']].copy()
