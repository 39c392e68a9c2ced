"""Datasets published as one folder per class, without a test split."""
import os.path as osp

from mmengine.logging import print_log
from mmpretrain.datasets.base_dataset import BaseDataset

from mmintern.datasets.image_folders import class_folder_images, class_folders
from .base import per_class_split


class ClassFolderSplitDataset(BaseDataset):
    """Images in ``<data_root>/<data_prefix>/<class>/``, split per class.

    The dataset's own class list (``METAINFO['classes']``) fixes the label
    of each folder, so the labels do not depend on which folders are
    present; a folder that is not a class is an error, a missing class
    folder only a warning. The split is :func:`per_class_split`: a seeded
    ``train_ratio`` share of every class for training, the rest for test.

    Args:
        data_root (str): The dataset folder.
        split (str): ``'train'`` or ``'test'``. Defaults to ``'train'``.
        data_prefix (str): The folder of the class folders, relative to
            ``data_root``. Defaults to the class attribute ``DATA_PREFIX``.
        train_ratio (float): Share of each class for training. Defaults to
            0.8.
        train_count (int, optional): Images of each class for training,
            instead of ``train_ratio``; a class with fewer than
            ``train_count + 1`` keeps one for test, and is logged. Defaults
            to the class attribute ``TRAIN_COUNT`` (None: use the ratio).
        split_seed (int): Seed of the split; keep it fixed, since it
            decides which images are test images. Defaults to 0.
        **kwargs: Other arguments of mmpretrain's ``BaseDataset``.
    """
    DATA_PREFIX = ''
    DOWNLOAD = ''
    TRAIN_COUNT = None

    def __init__(self,
                 data_root: str,
                 split: str = 'train',
                 data_prefix: str = None,
                 train_ratio: float = 0.8,
                 train_count: int = None,
                 split_seed: int = 0,
                 **kwargs):
        if split not in ('train', 'test'):
            raise ValueError(
                f"split must be 'train' or 'test', got {split!r}")
        self.split = split
        self.train_ratio = train_ratio
        self.train_count = self.TRAIN_COUNT if train_count is None \
            else train_count
        self.split_seed = split_seed
        super().__init__(
            ann_file='',
            data_root=data_root,
            data_prefix=self.DATA_PREFIX if data_prefix is None
            else data_prefix,
            test_mode=split == 'test',
            **kwargs)

    def load_data_list(self):
        """List the class folders and take the split's share of each."""
        root = self.img_prefix
        what = (f'one folder of images per {type(self).__name__} class '
                f'({self.DOWNLOAD})')
        classes = self.CLASSES
        label_of = {name: label for label, name in enumerate(classes)}
        folders = class_folders(root, what)
        unknown = [name for name in folders if name not in label_of]
        if unknown:
            raise ValueError(
                f'{root} has folders that are not {type(self).__name__} '
                f'classes: {unknown}; the classes are {list(classes)}')
        missing = [name for name in classes if name not in folders]
        if missing:
            print_log(f'{type(self).__name__}: {len(missing)} of '
                      f'{len(classes)} class folders are missing in {root}: '
                      f'{missing[:5]}{" ..." if len(missing) > 5 else ""}',
                      logger='current')
        images = class_folder_images(root, folders, what)
        files_by_label = {
            label_of[name]: [osp.join(name, file) for file in images[name]]
            for name in folders
        }
        if self.train_count:
            small = [classes[label] for label, files in files_by_label.items()
                     if len(files) <= self.train_count]
            if small:
                print_log(f'{type(self).__name__}: {len(small)} classes have '
                          f'at most {self.train_count} images and keep one '
                          f'for test: {small[:5]}'
                          f'{" ..." if len(small) > 5 else ""}',
                          logger='current')
        samples = per_class_split(files_by_label, self.split,
                                  self.train_ratio, self.split_seed,
                                  self.train_count)
        return [
            dict(img_path=osp.join(root, file), gt_label=label)
            for file, label in samples
        ]

    def extra_repr(self):
        """The extra repr information of the dataset."""
        share = (f'{self.train_count} images' if self.train_count else
                 f'{self.train_ratio:.0%}')
        return [f'Root of dataset: \t{self.data_root}',
                f'Split: \t{self.split} ({share} of each class for '
                f'training, seed {self.split_seed})']
