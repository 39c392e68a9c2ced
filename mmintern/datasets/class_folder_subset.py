"""A chosen part of a folder-per-class image tree, with chosen class names.

Up-E(C) checks label sharing with two datasets made from one class-folder
tree (see ``configs/intern/up-e-c_metanet-b1_cifar10.py``): each takes a
disjoint part of every class's files and names the classes its own way.
"""
import os.path as osp
import zlib
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmpretrain.datasets.base_dataset import BaseDataset

from mmintern.registry import register_dataset
from .image_folders import class_folder_images
from .percentage_split import class_order

__all__ = ['ClassFolderSubset']


@register_dataset
class ClassFolderSubset(BaseDataset):
    """Part ``part`` of ``num_parts`` of the images of some class folders.

    The images are ``<data_root>/<data_prefix>/<folder>/<file>``. The
    dataset's classes are ``classes``, in label order; class ``c`` reads
    folder ``folders.get(c, c)``, so a class may be named differently from
    its folder (``folders=dict(car='automobile')``), and folders that are no
    class are left out. No annotation file.

    Each folder's files (natural order) are shuffled by a generator seeded
    with ``(seed, crc32(folder name))`` and cut into ``num_parts`` nearly
    equal parts. The seed depends on the folder, not the label, so two
    datasets on the same tree with the same ``seed`` and ``num_parts`` but
    different class names, orders or subsets still cut each folder the same
    way: their different ``part`` s are disjoint.

    Args:
        data_root (str): The root of the tree.
        classes (Sequence[str]): The class names, in label order.
        folders (dict[str, str], optional): Class name -> folder name, for
            the classes not named like their folder.
        part (int): Which part to keep, in ``[0, num_parts)``. Defaults to
            0.
        num_parts (int): Into how many parts each folder is cut. Defaults
            to 1 (all files).
        seed (int): Seed of the cut; keep it fixed across the datasets that
            must be disjoint. Defaults to 0.
        file_range (tuple[int, int], optional): Only the files at these
            positions ``[start, stop)`` of each folder (natural order) are
            cut into parts; the others belong to no part. Keeps images out
            of training that another use holds back (the GV-B mini suite
            evaluates on CIFAR-10 extract files 100-199). None takes all.
        data_prefix (str): The folder of the class folders, relative to
            ``data_root``. Defaults to ''.
        **kwargs: Other arguments of mmpretrain's ``BaseDataset``
            (``pipeline``, ``test_mode``, ...).
    """

    def __init__(self,
                 data_root: str,
                 classes: Sequence[str],
                 folders: Optional[Dict[str, str]] = None,
                 part: int = 0,
                 num_parts: int = 1,
                 seed: int = 0,
                 file_range: Optional[Sequence[int]] = None,
                 data_prefix: str = '',
                 **kwargs):
        if isinstance(classes, str) or not classes:
            raise ValueError('classes must be a non-empty sequence of names, '
                             f'got {classes!r}')
        classes = tuple(classes)
        dup = sorted({c for c in classes if classes.count(c) > 1})
        if dup:
            raise ValueError(f'classes named twice: {dup}')
        folders = dict(folders or {})
        unknown = sorted(set(folders) - set(classes))
        if unknown:
            raise KeyError(f'folders names {unknown}, which are not classes '
                           f'{list(classes)}')
        self.folders = {c: folders.get(c, c) for c in classes}
        taken = list(self.folders.values())
        dup = sorted({f for f in taken if taken.count(f) > 1})
        if dup:
            raise ValueError(f'several classes read the folders {dup}')
        if num_parts < 1 or not 0 <= part < num_parts:
            raise ValueError(f'need 0 <= part < num_parts, got part={part}, '
                             f'num_parts={num_parts}')
        if file_range is not None:
            file_range = tuple(int(i) for i in file_range)
            if len(file_range) != 2 or not 0 <= file_range[0] < \
                    file_range[1]:
                raise ValueError('file_range must be (start, stop) with '
                                 f'0 <= start < stop, got {file_range}')
        self.file_range = file_range
        self.part = part
        self.num_parts = num_parts
        self.seed = seed
        super().__init__(
            ann_file='',
            data_root=data_root,
            data_prefix=data_prefix,
            classes=list(classes),
            **kwargs)

    def part_of_folder(self, files: Sequence[str], folder: str) -> List[str]:
        """This dataset's part of a folder's files (in file order)."""
        # Keyed by the folder's name, so a folder's parts do not change
        # when classes are renamed, reordered or added.
        order = class_order(
            len(files), self.seed, zlib.crc32(folder.encode('utf-8')))
        keep = np.array_split(order, self.num_parts)[self.part]
        return [files[i] for i in sorted(keep)]

    def load_data_list(self) -> List[dict]:
        """List each class's folder and keep this part of it."""
        root = self.img_prefix
        images = class_folder_images(
            root, [self.folders[name] for name in self.CLASSES],
            'one folder of images per class')
        data_list = []
        for label, name in enumerate(self.CLASSES):
            folder = self.folders[name]
            files = images[folder]
            if self.file_range is not None:
                start, stop = self.file_range
                if len(files) < stop:
                    raise ValueError(
                        f'{osp.join(root, folder)} has {len(files)} images, '
                        f'file_range {self.file_range} needs {stop}')
                files = files[start:stop]
            data_list.extend(
                dict(img_path=osp.join(root, folder, file), gt_label=label)
                for file in self.part_of_folder(files, folder))
        return data_list

    def extra_repr(self) -> List[str]:
        """The extra repr information of the dataset."""
        renamed = {c: f for c, f in self.folders.items() if c != f}
        return [f'Root of dataset: \t{self.img_prefix}',
                f'Part: \t{self.part} of {self.num_parts} (seed {self.seed})',
                f'File range: \t{self.file_range or "all"}',
                f'Renamed folders: \t{renamed or "none"}']
