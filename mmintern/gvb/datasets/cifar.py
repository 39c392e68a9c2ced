"""CIFAR-10 and CIFAR-100 from their python pickles, never downloaded.

mmpretrain's ``CIFAR10`` / ``CIFAR100`` check the md5 sum of every batch
file and download the archive when a check fails: right for a fresh
machine, wrong for GV-B, where the data is prepared beforehand (and for a
test fixture, whose files have other sums). These subclasses read the same
files without either step.
"""
import os.path as osp
import pickle

import numpy as np
from mmpretrain.datasets import CIFAR10, CIFAR100

from mmintern.datasets.image_folders import require_dir, require_file
from mmintern.registry import register_dataset


class _NoDownloadCIFAR:
    """Read a CIFAR ``*-python`` folder as it is (a mixin)."""

    def __init__(self, data_root: str, split: str = 'train', **kwargs):
        if kwargs.pop('download', False):
            raise ValueError(f'{type(self).__name__} never downloads; '
                             'unpack the archive into data_root instead')
        super().__init__(
            data_root=data_root, split=split, download=False, **kwargs)

    def load_data_list(self):
        """Load the images (BGR) and labels of the split.

        Returns:
            list[dict]: ``img`` (32x32x3 uint8, BGR like the images
            ``LoadImageFromFile`` reads, since the GV-B preprocessor converts
            BGR to RGB), ``gt_label`` and ``img_path``, a name
            ``<data_root>/<folder>/<batch>/<index>`` of the sample for split
            lists (there is no such file).
        """
        folder = require_dir(
            osp.join(self.data_prefix['root'], self.base_folder),
            f'the {self.base_folder} folder of {self.filename} '
            f'({self.url}) unpacked')
        files = self.train_list if self.split == 'train' else self.test_list
        data_list = []
        for file_name, _ in files:
            path = require_file(
                osp.join(folder, file_name),
                f'the {file_name!r} batch of {self.base_folder}')
            with open(path, 'rb') as f:
                entry = pickle.load(f, encoding='latin1')
            # Rows are 3072 bytes: the R, G and B planes of a 32x32 image.
            images = np.asarray(entry['data'], dtype=np.uint8).reshape(
                -1, 3, 32, 32).transpose(0, 2, 3, 1)[..., ::-1]
            labels = entry['labels'] if 'labels' in entry else \
                entry['fine_labels']
            for index, (img, label) in enumerate(zip(images, labels)):
                data_list.append(dict(
                    img=np.ascontiguousarray(img), gt_label=int(label),
                    img_path=osp.join(folder, file_name, f'{index:05d}')))
        return data_list


@register_dataset
class GVBCIFAR10(_NoDownloadCIFAR, CIFAR10):
    """CIFAR-10 read from ``data_root/cifar-10-batches-py``, no md5 check.

    Args:
        data_root (str): The folder holding ``cifar-10-batches-py``.
        split (str): ``'train'`` (``data_batch_1`` ... ``data_batch_5``) or
            ``'test'`` (``test_batch``). Defaults to ``'train'``.
        **kwargs: Other arguments of mmpretrain's ``BaseDataset``; the
            pipeline must not load files (the images are in the data info).
    """


@register_dataset
class GVBCIFAR100(_NoDownloadCIFAR, CIFAR100):
    """CIFAR-100 read from ``data_root/cifar-100-python``, no md5 check.

    The labels are the 100 fine labels.

    Args:
        data_root (str): The folder holding ``cifar-100-python``.
        split (str): ``'train'`` or ``'test'``. Defaults to ``'train'``.
        **kwargs: Other arguments of mmpretrain's ``BaseDataset``; the
            pipeline must not load files (the images are in the data info).
    """
