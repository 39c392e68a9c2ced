"""Caltech-101 from its download, which has no split lists."""
from mmpretrain.datasets.categories import CALTECH101_CATEGORIES

from mmintern.registry import register_dataset
from .class_folder_split import ClassFolderSplitDataset


@register_dataset
class Caltech101Folders(ClassFolderSplitDataset):
    """Caltech-101: 9,144 images in 102 classes (101 + BACKGROUND_Google).

    The download (``caltech-101.zip`` from
    https://data.caltech.edu/records/mzrjq-6wc02, holding
    ``101_ObjectCategories.tar.gz``) unpacks to
    ``101_ObjectCategories/<class>/image_<nnnn>.jpg`` and carries no split.
    As in the usual protocol (Fei-Fei et al. 2004; Kornblith et al. 2019),
    30 images of every class are for training and the rest for test; which
    30 is fixed by mmintern's one per-class shuffle (``split_seed`` 0, see
    :func:`~mmintern.gvb.datasets.base.per_class_split`) over the file
    names in natural order, so anyone with the download gets the same
    split. The labels are the class folders in sorted order (mmpretrain's
    ``CALTECH101_CATEGORIES``), BACKGROUND_Google included, as GV-B counts
    102 classes.

    Args:
        data_root (str): The folder holding ``101_ObjectCategories``.
        split (str): ``'train'`` or ``'test'``. Defaults to ``'train'``.
        **kwargs: Other arguments of :class:`ClassFolderSplitDataset`.
    """
    METAINFO = dict(classes=CALTECH101_CATEGORIES)
    DATA_PREFIX = '101_ObjectCategories'
    DOWNLOAD = ('caltech-101.zip from '
                'https://data.caltech.edu/records/mzrjq-6wc02')
    TRAIN_COUNT = 30
