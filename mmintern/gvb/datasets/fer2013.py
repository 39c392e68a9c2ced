"""FER-2013 facial expressions from the Kaggle ``fer2013.csv``."""
import csv
import os.path as osp

import numpy as np

from mmintern.datasets.image_folders import require_file
from mmintern.registry import register_dataset
from .base import ArrayImageDataset

# The ``Usage`` column of each split.
FER2013_USAGE = dict(train='Training', val='PublicTest', test='PrivateTest')
FER2013_SIDE = 48


@register_dataset
class FER2013(ArrayImageDataset):
    """FER-2013: 48x48 gray faces in seven expression classes.

    Reads ``data_root/fer2013.csv`` of the Kaggle challenge "Challenges in
    Representation Learning: Facial Expression Recognition": columns
    ``emotion`` (the class, 0-6), ``pixels`` (48*48 space-separated gray
    values, row-major) and ``Usage`` (``Training``, ``PublicTest`` or
    ``PrivateTest``). The images are decoded into memory once; each is
    handed to the pipeline as a 3-channel uint8 image under ``img``, so the
    pipeline must not start with ``LoadImageFromFile``.

    Args:
        data_root (str): The folder holding ``fer2013.csv``.
        split (str): ``'train'`` (Training), ``'val'`` (PublicTest) or
            ``'test'`` (PrivateTest). Defaults to ``'train'``.
        ann_file (str): The csv, relative to ``data_root``. Defaults to
            ``'fer2013.csv'``.
        **kwargs: Other arguments of mmpretrain's ``BaseDataset``.
    """
    METAINFO = dict(classes=('angry', 'disgust', 'fear', 'happy', 'sad',
                             'surprise', 'neutral'))

    def __init__(self, data_root: str, split: str = 'train',
                 ann_file: str = 'fer2013.csv', **kwargs):
        if split not in FER2013_USAGE:
            raise ValueError(f'split must be one of {tuple(FER2013_USAGE)}, '
                             f'got {split!r}')
        self.split = split
        self._images = None
        super().__init__(ann_file=ann_file, data_root=data_root,
                         test_mode=split != 'train', **kwargs)

    def load_data_list(self):
        """Decode the split's images (gray) and list its samples."""
        path = require_file(
            self.ann_file, 'fer2013.csv of the Kaggle FER-2013 challenge, '
            'with columns emotion,pixels,Usage')
        usage = FER2013_USAGE[self.split]
        images, labels, rows = [], [], []
        with open(path, newline='') as f:
            reader = csv.DictReader(f)
            missing = {'emotion', 'pixels', 'Usage'} - set(
                reader.fieldnames or ())
            if missing:
                raise KeyError(f'{path} lacks the columns {sorted(missing)}')
            # Row numbers start at 1 after the header, as in a spreadsheet.
            for row_id, row in enumerate(reader, start=1):
                if row['Usage'].strip() != usage:
                    continue
                pixels = np.array(row['pixels'].split(), dtype=np.uint8)
                if pixels.size != FER2013_SIDE * FER2013_SIDE:
                    raise ValueError(
                        f'{path}, row {row_id}: {pixels.size} pixels, '
                        f'expected {FER2013_SIDE}*{FER2013_SIDE}')
                images.append(pixels.reshape(FER2013_SIDE, FER2013_SIDE))
                labels.append(int(row['emotion']))
                rows.append(row_id)
        # Gray is stored once; the 3 channels are made per sample.
        self._images = np.stack(images) if images else np.zeros(
            (0, FER2013_SIDE, FER2013_SIDE), np.uint8)
        name = osp.basename(path)
        return [
            dict(img_index=i, gt_label=label,
                 img_path=self.sample_name(name, row_id))
            for i, (label, row_id) in enumerate(zip(labels, rows))
        ]

    def read_image(self, info: dict) -> np.ndarray:
        """The gray face repeated into 3 channels."""
        gray = self._images[info['img_index']]
        return np.repeat(gray[:, :, None], 3, axis=2)
