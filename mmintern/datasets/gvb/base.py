"""Shared pieces of the GV-B classification datasets.

Two kinds of dataset live in this package: those whose samples are image
files (read by the pipeline's ``LoadImageFromFile``) and those whose
official download stores the pixels in one container file (a ``.mat``, a
``.csv`` or an ``.h5``). The second kind derives from
:class:`ArrayImageDataset`, which puts the decoded image into the data info
as ``img`` just before the pipeline runs, so their configs use a pipeline
without ``LoadImageFromFile``.
"""
import os
import os.path as osp
import re
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmpretrain.datasets.base_dataset import BaseDataset

from ..percentage_split import split_by_class

IMG_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.tif', '.tiff')


def require_file(path: str, what: str) -> str:
    """Return ``path`` if it is a file, else raise a helpful error.

    Args:
        path (str): The file that must exist.
        what (str): What the file is and where it comes from, for the
            message, e.g. ``'the SVHN training set (train_32x32.mat)'``.

    Returns:
        str: ``path``.

    Raises:
        FileNotFoundError: Naming ``path`` and ``what``.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} not found: expected {what}')
    return path


def require_dir(path: str, what: str) -> str:
    """Return ``path`` if it is a folder, else raise a helpful error.

    Args:
        path (str): The folder that must exist.
        what (str): What the folder holds, for the message.

    Returns:
        str: ``path``.

    Raises:
        FileNotFoundError: Naming ``path`` and ``what``.
    """
    if not osp.isdir(path):
        raise FileNotFoundError(f'{path} not found: expected {what}')
    return path


def natural_key(name: str) -> list:
    """Sort key that orders ``frame2`` before ``frame10``.

    Frame extractors do not always zero-pad the frame number, and the
    middle frame of a video must be the middle one in time.
    """
    return [int(part) if part.isdigit() else part
            for part in re.split(r'(\d+)', name)]


def list_images(folder: str,
                extensions: Sequence[str] = IMG_EXTENSIONS) -> List[str]:
    """Names of the image files in ``folder``, in natural order.

    Raises:
        ValueError: When one is an empty file (an interrupted copy), naming
            it: decoding it would fail later without a name.
    """
    with os.scandir(folder) as entries:
        images = [
            e for e in entries
            if e.is_file() and e.name.lower().endswith(tuple(extensions))
        ]
    empty = [e.path for e in images if e.stat().st_size == 0]
    if empty:
        raise ValueError(f'{len(empty)} empty image files (0 bytes) in '
                         f'{folder}: {empty[:5]}')
    return sorted((e.name for e in images), key=natural_key)


def class_folders(root: str, what: str) -> List[str]:
    """The sub-folders of ``root`` (one per class), sorted by name.

    Raises:
        FileNotFoundError: When ``root`` is not a folder, naming ``what``.
    """
    require_dir(root, what)
    with os.scandir(root) as entries:
        return sorted(e.name for e in entries if e.is_dir())


def class_folder_images(root: str, folders: Sequence[str],
                        what: str) -> Dict[str, List[str]]:
    """The image names (natural order) of each named class folder of
    ``root``: the one reader of class-folder layouts.

    Args:
        root (str): The folder holding one folder per class.
        folders (Sequence[str]): The class folders to read.
        what (str): What ``root`` holds, for the messages.

    Raises:
        FileNotFoundError: When ``root`` is missing, or lacks a folder of
            ``folders`` (all missing ones named, with what is there).
    """
    present = set(class_folders(root, what))
    missing = [f for f in folders if f not in present]
    if missing:
        raise FileNotFoundError(
            f'{root} lacks the class folders {missing}: expected {what}; it '
            f'has {sorted(present)}')
    return {f: list_images(osp.join(root, f)) for f in folders}


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
