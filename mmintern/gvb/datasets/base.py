"""Shared pieces of the GV-B classification datasets.

Two kinds of dataset live in this package: those whose samples are image
files (read by the pipeline's ``LoadImageFromFile``) and those whose
official download stores the pixels in one container file (a ``.mat``, a
``.csv`` or an ``.h5``). The second kind derives from
:class:`ArrayImageDataset`, which puts the decoded image into the data info
as ``img`` just before the pipeline runs, so their configs use a pipeline
without ``LoadImageFromFile``.
"""
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmpretrain.datasets.base_dataset import BaseDataset

from mmintern.datasets.image_folders import natural_key
from mmintern.datasets.percentage_split import split_by_class


def middle(names: Sequence[str]) -> str:
    """The middle element of a non-empty sorted list (the later of two)."""
    return names[len(names) // 2]


def per_class_split(files_by_label: Dict[int, List[str]], split: str,
                    train_ratio: Optional[float], seed: int,
                    train_count: Optional[int] = None) -> List[tuple]:
    """Split every class's files into a training and a test share.

    For datasets without an official split. The training share of each
    class is the first ``train_ratio`` of its files in the order of
    :func:`~mmintern.datasets.percentage_split.split_by_class` (one seeded
    shuffle per class, so a class's split does not change when another
    class is added or missing); a class with at least two files keeps at
    least one on each side.

    Args:
        files_by_label (dict[int, list[str]]): The files of each class.
        split (str): ``'train'`` or ``'test'``.
        train_ratio (float, optional): Share of each class for training,
            in (0, 1); None when ``train_count`` is given.
        seed (int): Seed of the split.
        train_count (int, optional): A number of images of each class for
            training instead of a share.

    Returns:
        list[tuple[str, int]]: ``(file, label)`` pairs of the split, in
        class order and, within a class, in file order.
    """
    if split not in ('train', 'test'):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    if train_count is None and not 0 < train_ratio < 1:
        raise ValueError(f'train_ratio must be in (0, 1), got {train_ratio}')
    samples = [(file, label) for label in sorted(files_by_label)
               for file in sorted(files_by_label[label], key=natural_key)]
    train, test = split_by_class([label for _, label in samples],
                                 None if train_count else train_ratio, seed,
                                 both_sides=True, count=train_count)
    return [samples[i] for i in (train if split == 'train' else test)]


class ArrayImageDataset(BaseDataset):
    """A dataset whose images are arrays decoded from a container file.

    Subclasses implement :meth:`load_data_list` and :meth:`read_image`. The
    data infos stay small (a label, an index and a name), so that
    ``PercentageDataset`` can read every sample's label without decoding
    any image; the image is decoded in :meth:`prepare_data`, right before
    the pipeline, which therefore must not start with
    ``LoadImageFromFile``.

    Every data info carries ``img_path`` = ``<data_root>/<file>/<index>``:
    there is no such file, but it names the sample for the split lists of
    ``PercentageDataset`` (``split_file``) and ``make_gvb_splits.py``.

    Images are BGR, like those ``LoadImageFromFile`` reads, because the
    GV-B data preprocessor converts BGR to RGB (``to_rgb=True``).
    """

    def read_image(self, info: dict) -> np.ndarray:
        """The HWC uint8 BGR image of the sample described by ``info``."""
        raise NotImplementedError

    def prepare_data(self, idx: int):
        """Decode the ``idx``-th image and run the pipeline on it."""
        info = self.get_data_info(idx)
        img = self.read_image(info)
        info['img'] = img
        info['img_shape'] = img.shape[:2]
        info['ori_shape'] = img.shape[:2]
        return self.pipeline(info)

    def sample_name(self, file: str, index: int) -> str:
        """The ``img_path`` that names sample ``index`` of ``file``."""
        return osp.join(self.data_root, file, f'{index:06d}')

    def extra_repr(self) -> List[str]:
        """The extra repr information of the dataset."""
        return [f'Root of dataset: \t{self.data_root}']
