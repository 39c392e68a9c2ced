"""Diabetic retinopathy grading, from the Kaggle 2015 competition."""
import csv
import os.path as osp

from mmpretrain.datasets.base_dataset import BaseDataset

from mmintern.datasets.image_folders import require_dir, require_file
from mmintern.registry import register_dataset

# split -> (label file, image folder, the Usage rows it keeps or None).
RETINOPATHY_SPLITS = dict(
    train=('trainLabels.csv', 'train', None),
    val=('retinopathy_solution.csv', 'test', 'Public'),
    test=('retinopathy_solution.csv', 'test', 'Private'))


@register_dataset
class DiabeticRetinopathy(BaseDataset):
    """Kaggle "Diabetic Retinopathy Detection": fundus photographs graded
    0 (no retinopathy) to 4 (proliferative).

    The split follows TensorFlow Datasets' ``diabetic_retinopathy_detection``
    (the usual one for transfer benchmarks): ``train`` is the competition's
    training set (``trainLabels.csv``, columns ``image,level``, images
    ``train/<image>.jpeg``); the competition's test set, labelled by the
    ``retinopathy_solution.csv`` released after it (columns
    ``image,level,Usage``, images ``test/<image>.jpeg``), gives ``val`` (its
    ``Public`` rows) and ``test`` (its ``Private`` rows).

    Args:
        data_root (str): The folder holding the csv files and the ``train``
            and ``test`` image folders.
        split (str): ``'train'``, ``'val'`` or ``'test'``. Defaults to
            ``'train'``.
        img_suffix (str): Extension of the image files. Defaults to
            ``'.jpeg'``.
        **kwargs: Other arguments of mmpretrain's ``BaseDataset``.
    """
    METAINFO = dict(classes=('no DR', 'mild', 'moderate', 'severe',
                             'proliferative DR'))

    def __init__(self, data_root: str, split: str = 'train',
                 img_suffix: str = '.jpeg', **kwargs):
        if split not in RETINOPATHY_SPLITS:
            raise ValueError('split must be one of '
                             f'{tuple(RETINOPATHY_SPLITS)}, got {split!r}')
        self.split = split
        self.img_suffix = img_suffix
        ann_file, folder, self.usage = RETINOPATHY_SPLITS[split]
        super().__init__(ann_file=ann_file, data_root=data_root,
                         data_prefix=folder, test_mode=split != 'train',
                         **kwargs)

    def load_data_list(self):
        """Read the labels of the split."""
        columns = {'image', 'level'} | ({'Usage'} if self.usage else set())
        path = require_file(
            self.ann_file,
            f'the Kaggle diabetic-retinopathy-detection label file with '
            f'columns {",".join(sorted(columns))}')
        folder = require_dir(
            self.img_prefix, f'the {osp.basename(self.img_prefix)} images '
            f'(<image>{self.img_suffix}) of the Kaggle download')
        data_list = []
        with open(path, newline='') as f:
            reader = csv.DictReader(f)
            missing = columns - set(reader.fieldnames or ())
            if missing:
                raise KeyError(f'{path} lacks the columns {sorted(missing)}')
            for row in reader:
                if self.usage and row['Usage'].strip() != self.usage:
                    continue
                data_list.append(dict(
                    img_path=osp.join(folder,
                                      row['image'].strip() + self.img_suffix),
                    gt_label=int(row['level'])))
        return data_list

    def extra_repr(self):
        """The extra repr information of the dataset."""
        return [f'Root of dataset: \t{self.data_root}']
