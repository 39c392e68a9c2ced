"""CityPersons in its official layout, for the GV-B pedestrian detection task.

CityPersons (Zhang et al., CVPR 2017) annotates the Cityscapes images
(https://www.cityscapes-dataset.com, ``leftImg8bit_trainvaltest.zip`` and
``gtBboxCityPersons_trainval.zip``):

.. code-block:: none

    citypersons/
    ├── leftImg8bit/{train,val}/<city>/<image>_leftImg8bit.png
    └── gtBboxCityPersons/{train,val}/<city>/
            <image>_gtBboxCityPersons.json

Each json holds ``imgWidth``, ``imgHeight`` and ``objects``, each with a
``label`` (``pedestrian``, ``rider``, ``sitting person``, ``person (other)``,
``person group`` or ``ignore``), the full-body ``bbox`` and the visible part
``bboxVis``, both ``[x, y, w, h]``.

As in the CityPersons protocol, ``pedestrian`` is the one class; every other
label is an ignore region (``ignore_flag`` 1): a detection there is neither
a hit nor a false positive. The visible fraction
``area(bboxVis) / area(bbox)`` selects the Reasonable / Heavy settings of
:class:`~mmintern.evaluation.metrics.CityPersonsMissRate`, which reads it as
``gt_instances.visibility`` (carry it with
:class:`~mmintern.datasets.transforms.PackGVBDetInputs`).
"""
import glob
import json
import os.path as osp
from typing import List, Sequence

from mmengine.dataset import BaseDataset

from mmintern.registry import register_dataset

__all__ = ['CityPersonsDataset', 'box_visibility']

CITYPERSONS_LABELS = ('pedestrian', 'rider', 'sitting person',
                      'person (other)', 'person group', 'ignore')


def box_visibility(bbox: Sequence[float], bbox_vis: Sequence[float]) -> float:
    """The visible fraction of a box: ``area(bboxVis) / area(bbox)``.

    Args:
        bbox (Sequence[float]): Full box ``[x, y, w, h]``.
        bbox_vis (Sequence[float]): Visible box ``[x, y, w, h]``.

    Returns:
        float: In [0, 1]; 0 for a box without area (ignore regions often
        have an all-zero ``bboxVis``).
    """
    area = max(float(bbox[2]), 0.) * max(float(bbox[3]), 0.)
    if area <= 0:
        return 0.
    visible = max(float(bbox_vis[2]), 0.) * max(float(bbox_vis[3]), 0.)
    # Annotation rounding can make the visible box a hair larger.
    return min(visible / area, 1.)


@register_dataset
class CityPersonsDataset(BaseDataset):
    """CityPersons from the per-image json files (one class, ``person``).

    Each data info holds ``img_path``, ``img_id``, ``width``, ``height``
    and ``instances``: ``bbox`` (xyxy), ``bbox_label`` 0, ``ignore_flag``
    (1 for every label but the pedestrian classes), ``visibility`` and the
    original ``label``.

    Args:
        data_prefix (dict): ``img``: the image folder of the split, e.g.
            ``'leftImg8bit/val'``; ``ann``: its annotation folder, e.g.
            ``'gtBboxCityPersons/val'``.
        pedestrian_labels (Sequence[str]): Labels that are the class.
            Defaults to ``('pedestrian', )``, the CityPersons protocol.
        filter_cfg (dict, optional): ``filter_empty_gt``: drop training
            images without a non-ignored pedestrian. Not used in test mode.
        **kwargs: The other arguments of mmengine's ``BaseDataset``;
            ``ann_file`` is not used (the json files are found by walking
            ``data_prefix['ann']``).
    """
    METAINFO = dict(classes=('person', ), palette=[(220, 20, 60)])

    def __init__(self,
                 data_prefix: dict = dict(
                     img='leftImg8bit/val', ann='gtBboxCityPersons/val'),
                 pedestrian_labels: Sequence[str] = ('pedestrian', ),
                 **kwargs):
        self.pedestrian_labels = tuple(pedestrian_labels)
        super().__init__(data_prefix=data_prefix, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Read every ``<image>_gtBboxCityPersons.json`` of the split."""
        img_dir = self.data_prefix.get('img')
        ann_dir = self.data_prefix.get('ann')
        if not img_dir or not ann_dir:
            raise ValueError('CityPersonsDataset needs data_prefix with img '
                             f'and ann folders, got {self.data_prefix}')
        ann_files = sorted(
            glob.glob(osp.join(ann_dir, '*', '*_gtBboxCityPersons.json')))
        if not ann_files:
            raise FileNotFoundError(
                f'no CityPersons annotation under {ann_dir!r}; expected '
                'gtBboxCityPersons/<split>/<city>/<image>_gtBboxCityPersons'
                '.json')
        data_list = []
        for img_id, ann_file in enumerate(ann_files):
            city = osp.basename(osp.dirname(ann_file))
            stem = osp.basename(ann_file)[:-len('_gtBboxCityPersons.json')]
            img_path = osp.join(img_dir, city, f'{stem}_leftImg8bit.png')
            if not osp.isfile(img_path):
                raise FileNotFoundError(
                    f'CityPersons image {img_path!r} of {ann_file!r} not '
                    'found; expected leftImg8bit/<split>/<city>/<image>_'
                    'leftImg8bit.png')
            with open(ann_file) as f:
                ann = json.load(f)
            instances = []
            for obj in ann.get('objects', []):
                label = obj.get('label')
                if label not in CITYPERSONS_LABELS:
                    raise ValueError(f'{ann_file}: unknown label {label!r}; '
                                     f'CityPersons has {CITYPERSONS_LABELS}')
                x, y, w, h = (float(v) for v in obj['bbox'])
                instances.append(
                    dict(
                        bbox=[x, y, x + w, y + h],
                        bbox_label=0,
                        ignore_flag=int(label not in self.pedestrian_labels),
                        visibility=box_visibility(
                            obj['bbox'], obj.get('bboxVis', obj['bbox'])),
                        label=label))
            data_list.append(
                dict(
                    img_path=img_path,
                    img_id=img_id,
                    width=int(ann['imgWidth']),
                    height=int(ann['imgHeight']),
                    instances=instances))
        return data_list

    def filter_data(self) -> List[dict]:
        """Drop training images without a pedestrian, if asked to."""
        if self.test_mode or not self.filter_cfg or \
                not self.filter_cfg.get('filter_empty_gt', False):
            return self.data_list
        return [
            info for info in self.data_list
            if any(inst['ignore_flag'] == 0 for inst in info['instances'])
        ]

    def get_cat_ids(self, idx: int) -> List[int]:
        """The class ids of the pedestrians of image ``idx`` (all 0)."""
        return [inst['bbox_label']
                for inst in self.get_data_info(idx)['instances']]
