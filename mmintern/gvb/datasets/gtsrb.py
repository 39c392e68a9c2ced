"""The German Traffic Sign Recognition Benchmark (GTSRB)."""
import csv
import os
import os.path as osp

from mmpretrain.datasets.base_dataset import BaseDataset

from mmintern.datasets.image_folders import require_dir, require_file
from mmintern.registry import register_dataset

GTSRB_NUM_CLASSES = 43
GTSRB_URL = 'https://benchmark.ini.rub.de/gtsrb_dataset.html'


def _read_gt(path: str) -> list:
    """Rows of a GTSRB ``GT-*.csv`` (``;``-separated, with a header)."""
    with open(path, newline='') as f:
        reader = csv.DictReader(f, delimiter=';')
        missing = {'Filename', 'ClassId'} - set(reader.fieldnames or ())
        if missing:
            raise KeyError(f'{path} lacks the columns {sorted(missing)}; '
                           'expected Filename;Width;Height;Roi.X1;Roi.Y1;'
                           'Roi.X2;Roi.Y2;ClassId')
        return [(row['Filename'], int(row['ClassId'])) for row in reader]


@register_dataset
class GTSRB(BaseDataset):
    """GTSRB: photographs of 43 classes of German traffic signs (PPM).

    The three zips of the final benchmark (``GTSRB_Final_Training_Images``,
    ``GTSRB_Final_Test_Images`` and ``GTSRB_Final_Test_GT``) unpack to::

        <data_root>/
        ├── GTSRB/Final_Training/Images/<class>/   # 00000 ... 00042
        │   ├── GT-<class>.csv
        │   └── <track>_<frame>.ppm
        ├── GTSRB/Final_Test/Images/<nnnnn>.ppm
        └── GT-final_test.csv

    The ``GT-*.csv`` files are ``;``-separated:
    ``Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId``. The whole
    image is used, not the sign's bounding box.

    Args:
        data_root (str): The folder described above.
        split (str): ``'train'`` or ``'test'``. Defaults to ``'train'``.
        data_prefix (str): The folder holding ``Final_Training`` and
            ``Final_Test``, relative to ``data_root``. Defaults to
            ``'GTSRB'``.
        test_ann_file (str): The test labels, relative to ``data_root``.
            Defaults to ``'GT-final_test.csv'``.
        **kwargs: Other arguments of mmpretrain's ``BaseDataset``.
    """
    METAINFO = dict(
        classes=tuple(f'{i:05d}' for i in range(GTSRB_NUM_CLASSES)))

    def __init__(self, data_root: str, split: str = 'train',
                 data_prefix: str = 'GTSRB',
                 test_ann_file: str = 'GT-final_test.csv', **kwargs):
        if split not in ('train', 'test'):
            raise ValueError(
                f"split must be 'train' or 'test', got {split!r}")
        self.split = split
        super().__init__(
            ann_file=test_ann_file if split == 'test' else '',
            data_root=data_root, data_prefix=data_prefix,
            test_mode=split == 'test', **kwargs)

    def load_data_list(self):
        """Read the split's ``GT-*.csv`` files."""
        if self.split == 'train':
            return self._load_train()
        return self._load_test()

    def _load_train(self):
        root = require_dir(
            osp.join(self.img_prefix, 'Final_Training', 'Images'),
            f'one folder per class (00000 ... 00042), from '
            f'GTSRB_Final_Training_Images.zip ({GTSRB_URL})')
        data_list = []
        for name in sorted(e.name for e in os.scandir(root) if e.is_dir()):
            folder = osp.join(root, name)
            gt = require_file(
                osp.join(folder, f'GT-{name}.csv'),
                f'the label file of class folder {name} of GTSRB '
                'Final_Training')
            data_list.extend(
                dict(img_path=osp.join(folder, file), gt_label=label)
                for file, label in _read_gt(gt))
        return data_list

    def _load_test(self):
        gt = require_file(
            self.ann_file, f'the test labels from GTSRB_Final_Test_GT.zip '
            f'({GTSRB_URL})')
        folder = require_dir(
            osp.join(self.img_prefix, 'Final_Test', 'Images'),
            'the test images from GTSRB_Final_Test_Images.zip')
        return [
            dict(img_path=osp.join(folder, file), gt_label=label)
            for file, label in _read_gt(gt)
        ]

    def extra_repr(self):
        """The extra repr information of the dataset."""
        return [f'Root of dataset: \t{self.data_root}']
