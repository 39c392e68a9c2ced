"""CityPersons in its official layouts, for the GV-B pedestrian detection task.

CityPersons (Zhang et al., CVPR 2017) annotates the Cityscapes images
(https://www.cityscapes-dataset.com, ``leftImg8bit_trainvaltest.zip``). Its
boxes come in two packagings, and both are read:

- Cityscapes' ``gtBboxCityPersons_trainval.zip``, one json per image:

  .. code-block:: none

      citypersons/
      ├── leftImg8bit/{train,val}/<city>/<image>_leftImg8bit.png
      └── gtBboxCityPersons/{train,val}/<city>/
              <image>_gtBboxCityPersons.json

  Each json holds ``imgWidth``, ``imgHeight`` and ``objects``, each with a
  ``label`` (``pedestrian``, ``rider``, ``sitting person``,
  ``person (other)``, ``person group`` or ``ignore``), the full-body
  ``bbox`` and the visible part ``bboxVis``, both ``[x, y, w, h]``.
- The authors' release (``annotations/anno_{train,val}.mat`` of
  https://github.com/cvgroup-njust/CityPersons, formerly
  bitbucket.org/shanshanzhang/citypersons): a MATLAB cell array
  ``anno_<split>_aligned`` of one struct per image with ``cityname``,
  ``im_name`` and ``bbs``, an N x 10 matrix of rows ``class_label, x1, y1,
  w, h, instance_id, x1_vis, y1_vis, w_vis, h_vis``. The class labels are
  0 ignore region, 1 pedestrian, 2 rider, 3 sitting person, 4 other person,
  5 person group. MATLAB may store whole numbers compactly, as uint8 or
  uint16, so every number is converted to float before any arithmetic
  (a uint16 product overflows).

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
from typing import List, Optional, Sequence

from mmengine.dataset import BaseDataset

from mmintern.registry import register_dataset

__all__ = ['CityPersonsDataset', 'box_visibility', 'read_anno_mat']

CITYPERSONS_LABELS = ('pedestrian', 'rider', 'sitting person',
                      'person (other)', 'person group', 'ignore')
# The class labels of the authors' anno_*.mat files, by their json name.
MAT_LABELS = {0: 'ignore', 1: 'pedestrian', 2: 'rider', 3: 'sitting person',
              4: 'person (other)', 5: 'person group'}


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


def _instance(bbox: Sequence[float], bbox_vis: Sequence[float], label: str,
              pedestrian_labels: Sequence[str]) -> dict:
    x, y, w, h = (float(v) for v in bbox)
    return dict(
        bbox=[x, y, x + w, y + h],
        bbox_label=0,
        ignore_flag=int(label not in pedestrian_labels),
        visibility=box_visibility(bbox, bbox_vis),
        label=label)


def read_anno_mat(path: str) -> List[tuple]:
    """The images of an authors' ``anno_<split>.mat``.

    Args:
        path (str): ``anno_train.mat`` or ``anno_val.mat``.

    Returns:
        list[tuple[str, str, np.ndarray]]: ``(cityname, im_name, bbs)`` per
        image, in file order; ``bbs`` as float64, N x 10.
    """
    import numpy as np
    from scipy.io import loadmat
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'CityPersons annotation {path!r} not found; expected the '
            'authors\' annotations/anno_{train,val}.mat')
    mat = loadmat(path)
    names = [k for k in mat if k.startswith('anno_') and
             k.endswith('_aligned')]
    if len(names) != 1:
        raise ValueError(
            f'{path} is not a CityPersons anno_*.mat: it holds '
            f'{sorted(k for k in mat if not k.startswith("__"))}, expected '
            'one anno_<split>_aligned cell array')
    images = []
    for cell in mat[names[0]].reshape(-1):
        record = cell.reshape(-1)[0]
        bbs = np.asarray(record['bbs'], dtype=np.float64).reshape(-1, 10)
        images.append((str(record['cityname'].reshape(-1)[0]),
                       str(record['im_name'].reshape(-1)[0]), bbs))
    return images


@register_dataset
class CityPersonsDataset(BaseDataset):
    """CityPersons from the per-image json files (one class, ``person``).

    Each data info holds ``img_path``, ``img_id``, ``width``, ``height``
    and ``instances``: ``bbox`` (xyxy), ``bbox_label`` 0, ``ignore_flag``
    (1 for every label but the pedestrian classes), ``visibility`` and the
    original ``label``.

    Args:
        ann_file (str): The authors' ``anno_<split>.mat``, relative to
            ``data_root``, e.g. ``'annotations/anno_val.mat'``. Defaults to
            ``''``: read the per-image json files instead.
        data_prefix (dict): ``img``: the image folder of the split, e.g.
            ``'leftImg8bit/val'``; ``ann``: its json folder, e.g.
            ``'gtBboxCityPersons/val'`` (not used with ``ann_file``).
        pedestrian_labels (Sequence[str]): Labels that are the class.
            Defaults to ``('pedestrian', )``, the CityPersons protocol.
        filter_cfg (dict, optional): ``filter_empty_gt``: drop training
            images without a non-ignored pedestrian. Not used in test mode.
        **kwargs: The other arguments of mmengine's ``BaseDataset``.
    """
    METAINFO = dict(classes=('person', ), palette=[(220, 20, 60)])

    def __init__(self,
                 ann_file: Optional[str] = '',
                 data_prefix: dict = dict(
                     img='leftImg8bit/val', ann='gtBboxCityPersons/val'),
                 pedestrian_labels: Sequence[str] = ('pedestrian', ),
                 **kwargs):
        self.pedestrian_labels = tuple(pedestrian_labels)
        super().__init__(ann_file=ann_file or '', data_prefix=data_prefix,
                         **kwargs)

    def load_data_list(self) -> List[dict]:
        """Read the split's annotations, from the .mat or the json files."""
        if self.ann_file:
            return self._load_mat()
        return self._load_json()

    def _image_path(self, city: str, stem: str, ann: str) -> str:
        img_path = osp.join(self.data_prefix['img'], city,
                            f'{stem}_leftImg8bit.png')
        if not osp.isfile(img_path):
            raise FileNotFoundError(
                f'CityPersons image {img_path!r} of {ann!r} not found; '
                'expected leftImg8bit/<split>/<city>/<image>_leftImg8bit.png')
        return img_path

    def _load_mat(self) -> List[dict]:
        from PIL import Image
        if not self.data_prefix.get('img'):
            raise ValueError('CityPersonsDataset needs data_prefix with an '
                             f'img folder, got {self.data_prefix}')
        data_list = []
        for img_id, (city, im_name, bbs) in enumerate(
                read_anno_mat(self.ann_file)):
            stem = im_name[:-len('_leftImg8bit.png')] \
                if im_name.endswith('_leftImg8bit.png') else \
                osp.splitext(im_name)[0]
            where = f'{self.ann_file} ({im_name})'
            img_path = self._image_path(city, stem, where)
            instances = []
            for row in bbs:
                label = MAT_LABELS.get(int(row[0]))
                if label is None:
                    raise ValueError(
                        f'{where}: unknown class label {int(row[0])}; '
                        f'CityPersons has {MAT_LABELS}')
                instances.append(_instance(row[1:5], row[6:10], label,
                                           self.pedestrian_labels))
            # The .mat has no image size; the PNG header does (reading it
            # does not decode the pixels).
            with Image.open(img_path) as image:
                width, height = image.size
            data_list.append(dict(img_path=img_path, img_id=img_id,
                                  width=width, height=height,
                                  instances=instances))
        return data_list

    def _load_json(self) -> List[dict]:
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
            img_path = self._image_path(city, stem, ann_file)
            with open(ann_file) as f:
                ann = json.load(f)
            instances = []
            for obj in ann.get('objects', []):
                label = obj.get('label')
                if label not in CITYPERSONS_LABELS:
                    raise ValueError(f'{ann_file}: unknown label {label!r}; '
                                     f'CityPersons has {CITYPERSONS_LABELS}')
                instances.append(
                    _instance(obj['bbox'], obj.get('bboxVis', obj['bbox']),
                              label, self.pedestrian_labels))
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
