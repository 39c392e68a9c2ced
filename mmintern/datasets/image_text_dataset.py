"""Image-caption datasets for DeCLIP / CLIP training (INTERN's Up-A)."""
import csv
import json
import logging
import os.path as osp
from collections import OrderedDict
from typing import List

import numpy as np
from mmengine.dataset import BaseDataset
from mmengine.logging import print_log

from mmintern.registry import register_dataset

__all__ = ['ImageTextDataset']


@register_dataset
class ImageTextDataset(BaseDataset):
    """One sample per image, with all its captions.

    Annotation formats (chosen by the file's extension):

    * ``.json``: COCO captions, ``{"images": [{"id", "file_name"}, ...],
      "annotations": [{"image_id", "caption"}, ...]}``.
    * ``.csv`` / ``.txt``: comma-separated with a header ``image,caption``
      (Kaggle Flickr8k's ``captions.txt``; RFC-4180 quoting), one row per
      caption. ``.tsv``: the same, tab-separated.

    Each draw (:meth:`get_data_info`) gives ``img_path``, ``captions`` (all
    of them) and ``text``: one caption chosen with numpy's global RNG, which
    mmengine seeds per worker from the run's seed (``randomness.seed``), as
    it does for mmcv's random transforms. Empty captions are skipped and
    images left without a caption are dropped; a warning gives both counts.

    Args:
        ann_file (str): The annotation file (relative to ``data_root``).
        data_root (str): Root of the dataset.
        data_prefix (dict): ``dict(img_path='images')``: folder of the
            images under ``data_root``.
        **kwargs: Passed to :class:`mmengine.dataset.BaseDataset`
            (``pipeline``, ``indices``, ``test_mode``, ...).
    """

    def __init__(self, ann_file: str, data_root: str = '',
                 data_prefix: dict = dict(img_path=''), **kwargs):
        super().__init__(ann_file=ann_file, data_root=data_root,
                         data_prefix=data_prefix, **kwargs)

    def load_data_list(self) -> List[dict]:
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(
                f'caption annotation file not found: {self.ann_file}')
        ext = osp.splitext(self.ann_file)[1].lower()
        if ext == '.json':
            groups = self._load_coco()
        elif ext in ('.csv', '.txt', '.tsv'):
            groups = self._load_csv('\t' if ext == '.tsv' else ',')
        else:
            raise ValueError(f'unsupported caption file {self.ann_file}: use '
                             '.json (COCO captions) or .csv/.txt/.tsv')
        prefix = self.data_prefix.get('img_path', '') or ''
        empty = sum(c == '' for caps in groups.values() for c in caps)
        groups = OrderedDict((name, [c for c in caps if c])
                             for name, caps in groups.items())
        dropped = [name for name, caps in groups.items() if not caps]
        if empty or dropped:
            print_log(
                f'{self.ann_file}: skipped {empty} empty captions; dropped '
                f'{len(dropped)} images left without a caption'
                + (f', e.g. {dropped[:3]}' if dropped else ''),
                logger='current', level=logging.WARNING)
        return [
            dict(img_path=osp.join(prefix, name), captions=caps)
            for name, caps in groups.items() if caps
        ]

    def _load_coco(self) -> 'OrderedDict[str, List[str]]':
        with open(self.ann_file, encoding='utf-8') as f:
            data = json.load(f)
        for key in ('images', 'annotations'):
            if key not in data:
                raise KeyError(f'{self.ann_file} is not a COCO captions '
                               f'file: no {key!r}')
        names = {im['id']: im['file_name'] for im in data['images']}
        groups = OrderedDict((names[i], []) for i in names)
        for ann in data['annotations']:
            groups[names[ann['image_id']]].append(ann['caption'].strip())
        return groups

    def _load_csv(self, delimiter: str) -> 'OrderedDict[str, List[str]]':
        groups = OrderedDict()
        with open(self.ann_file, encoding='utf-8', newline='') as f:
            reader = csv.reader(f, delimiter=delimiter)
            header = [h.strip().lower() for h in next(reader, [])]
            if header[:2] != ['image', 'caption']:
                raise ValueError(f'{self.ann_file}: expected the header '
                                 f'"image,caption", got {header}')
            for row in reader:
                if not row:
                    continue
                if len(row) != 2:
                    raise ValueError(f'{self.ann_file}: bad row {row}')
                groups.setdefault(row[0].strip(), []).append(row[1].strip())
        return groups

    def get_data_info(self, idx: int) -> dict:
        info = super().get_data_info(idx)
        caps = info['captions']
        info['text'] = caps[np.random.randint(len(caps))]
        return info
