"""Stanford Cars, with its test labels where the downloads put them."""
import os.path as osp

from mmengine.fileio import get_file_backend
from mmpretrain.datasets import StanfordCars
from mmpretrain.datasets.base_dataset import BaseDataset

from mmintern.datasets.image_folders import require_dir
from mmintern.registry import register_dataset

CARS_URL = 'https://ai.stanford.edu/~jkrause/cars/car_dataset.html'


@register_dataset
class StanfordCarsFiles(StanfordCars):
    """mmpretrain's ``StanfordCars``, finding its files as downloaded.

    The devkit (``car_devkit.tgz``) has the training labels
    (``devkit/cars_train_annos.mat``) but not the test ones: those came
    later as ``cars_test_annos_withlabels.mat``, which torchvision and most
    mirrors put beside ``cars_test/`` and mmpretrain looks for in
    ``devkit/``. Both places are searched, and a missing file is named
    (mmpretrain says only that the dataset is "incorrectly organized").
    The all-in-one layout (``car_ims/`` + ``cars_annos.mat``) is read too.
    The ``.mat`` files are read by mmpretrain (mat4py), which takes their
    compressed variables and uint8 / uint16 fields.

    Args:
        data_root (str): The dataset folder.
        split (str): ``'train'`` or ``'test'``. Defaults to ``'train'``.
        **kwargs: Other arguments of mmpretrain's ``BaseDataset``.
    """

    def __init__(self, data_root: str, split: str = 'train', **kwargs):
        if split not in ('train', 'test'):
            raise ValueError(
                f"split must be 'train' or 'test', got {split!r}")
        self.split = split
        # The attribute mmpretrain's load_data_list joins paths with.
        self.backend = get_file_backend(data_root, enable_singleton=True)
        if osp.isfile(osp.join(data_root, 'cars_annos.mat')):
            ann_file, data_prefix = 'cars_annos.mat', ''
        else:
            name = ('cars_test_annos_withlabels.mat' if split == 'test' else
                    'cars_train_annos.mat')
            candidates = [osp.join('devkit', name), name]
            found = [c for c in candidates
                     if osp.isfile(osp.join(data_root, c))]
            if not found:
                where = ' or '.join(osp.join(data_root, c)
                                    for c in candidates)
                source = ('released after the devkit' if split == 'test'
                          else 'from car_devkit.tgz')
                raise FileNotFoundError(
                    f'Stanford Cars {split} labels not found: expected '
                    f'{where} ({source}, {CARS_URL}), or cars_annos.mat '
                    'with car_ims/')
            ann_file, data_prefix = found[0], f'cars_{split}'
            require_dir(osp.join(data_root, data_prefix),
                        f'the {split} images (cars_{split}.tgz)')
        BaseDataset.__init__(
            self, ann_file=ann_file, data_root=data_root,
            data_prefix=data_prefix, test_mode=split == 'test', **kwargs)
