"""Your own detection dataset in Pascal VOC's layout, read strictly.

mmdet's ``VOCDataset`` is made for VOC itself, and two of its habits hurt
any other dataset in that layout:

- a data folder whose name contains ``VOC2007`` or ``VOC2012`` makes it the
  20-class VOC for ``VOCMetric``, which then names the classes from VOC's
  list (with another class count, ``print_map_summary`` fails with an
  ``IndexError``);
- an object whose class is not in the metainfo is dropped without a word
  (and a split whose objects all are ends in ``need at least one array to
  concatenate``).

:class:`VOCStyleDataset` reads the same files into the same data infos, but
never looks at folder names, and stops at the first annotation that is
wrong, naming the file: an unknown class (unless listed in
``drop_classes``), a box outside the image or without area, a missing or
zero-byte image.
"""
import os.path as osp
import xml.etree.ElementTree as ET
from typing import List, Sequence

from mmengine.dataset import BaseDataset
from mmengine.fileio import list_from_file

from mmintern.registry import register_dataset

__all__ = ['VOCStyleDataset']


def _number(obj: ET.Element, tag: str, where: str) -> float:
    node = obj.find(tag)
    if node is None or node.text is None:
        raise ValueError(f'{where}: <{tag}> missing')
    return float(node.text)


@register_dataset
class VOCStyleDataset(BaseDataset):
    """Images + VOC xml annotations, with the classes of ``metainfo``.

    .. code-block:: none

        <data_root>/<sub_data_root>/
        ├── JPEGImages/<id>.jpg
        ├── Annotations/<id>.xml
        └── ImageSets/Main/<split>.txt      # one <id> per line

    Each data info is what mmdet's ``XMLDataset`` makes (``img_path``,
    ``img_id``, ``xml_path``, ``width``, ``height`` and ``instances`` with
    ``bbox`` in VOC's 1-based pixels minus 1, ``bbox_label`` and
    ``ignore_flag``, 1 for ``difficult`` objects), so mmdet's pipelines and
    ``VOCMetric`` read it unchanged.

    Args:
        ann_file (str): The split's id list, e.g.
            ``'VOC_mine/ImageSets/Main/train.txt'``.
        metainfo (dict): ``classes``: the class names; required.
        data_prefix (dict): ``sub_data_root``: the folder holding
            ``JPEGImages`` and ``Annotations``, relative to ``data_root``.
        drop_classes (Sequence[str]): Class names to skip on purpose (say,
            a class the benchmark leaves out). Any other name that is not in
            ``classes`` is an error. Defaults to none.
        img_suffix (str): The images' extension. Defaults to ``'.jpg'``.
        **kwargs: The other arguments of mmengine's ``BaseDataset``;
            ``filter_cfg`` takes mmdet's ``filter_empty_gt`` and
            ``min_size`` (training only).
    """

    def __init__(self,
                 ann_file: str,
                 metainfo: dict,
                 data_prefix: dict = dict(sub_data_root=''),
                 drop_classes: Sequence[str] = (),
                 img_suffix: str = '.jpg',
                 **kwargs):
        if not metainfo or not metainfo.get('classes'):
            raise ValueError('VOCStyleDataset needs metainfo=dict(classes='
                             '(...)): the class names of your xml files')
        self.drop_classes = tuple(drop_classes)
        overlap = set(self.drop_classes) & set(metainfo['classes'])
        if overlap:
            raise ValueError(f'drop_classes {sorted(overlap)} are also in '
                             'metainfo classes')
        self.img_suffix = img_suffix
        super().__init__(ann_file=ann_file, metainfo=metainfo,
                         data_prefix=data_prefix, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Read the xml of every id in the split list."""
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(
                f'split list {self.ann_file!r} not found; expected '
                '<sub_data_root>/ImageSets/Main/<split>.txt with one image '
                'id per line')
        root = self.data_prefix.get('sub_data_root', self.data_root)
        label_of = {name: i for i, name in enumerate(self.metainfo['classes'])}
        data_list = []
        for img_id in list_from_file(self.ann_file):
            img_id = img_id.strip()
            if not img_id:
                continue
            img_path = osp.join(root, 'JPEGImages', img_id + self.img_suffix)
            xml_path = osp.join(root, 'Annotations', img_id + '.xml')
            data_list.append(
                self._parse(img_id, img_path, xml_path, label_of))
        return data_list

    def _parse(self, img_id: str, img_path: str, xml_path: str,
               label_of: dict) -> dict:
        if not osp.isfile(img_path):
            raise FileNotFoundError(f'image {img_path!r} of id {img_id!r} '
                                    f'in {self.ann_file} not found')
        if osp.getsize(img_path) == 0:
            raise ValueError(f'image {img_path!r} is an empty file '
                             '(0 bytes)')
        if not osp.isfile(xml_path):
            raise FileNotFoundError(f'annotation {xml_path!r} of id '
                                    f'{img_id!r} not found')
        try:
            tree = ET.parse(xml_path)
        except ET.ParseError as e:
            raise ValueError(f'{xml_path}: not valid xml ({e})') from e
        size = tree.find('size')
        width = height = 0
        if size is not None:
            width = int(_number(size, 'width', xml_path))
            height = int(_number(size, 'height', xml_path))
        if width <= 0 or height <= 0:
            # No (or a zero) <size>: the image header has it, without
            # decoding the pixels.
            from PIL import Image
            with Image.open(img_path) as image:
                width, height = image.size
        instances = []
        for k, obj in enumerate(tree.findall('object')):
            name = (obj.findtext('name') or '').strip()
            where = f'{xml_path}: object {k} ({name!r})'
            if name in self.drop_classes:
                continue
            if name not in label_of:
                raise ValueError(
                    f'{where}: class {name!r} is not in metainfo classes '
                    f'{tuple(label_of)}; add it there, or to drop_classes '
                    'to skip it')
            box = obj.find('bndbox')
            if box is None:
                raise ValueError(f'{where}: <bndbox> missing')
            x1, y1, x2, y2 = (_number(box, tag, where)
                              for tag in ('xmin', 'ymin', 'xmax', 'ymax'))
            if not (0 <= x1 < x2 <= width and 0 <= y1 < y2 <= height):
                raise ValueError(
                    f'{where}: box {[x1, y1, x2, y2]} is not a box inside '
                    f'the {width}x{height} image (expected 0 <= xmin < xmax '
                    '<= width, 0 <= ymin < ymax <= height)')
            difficult = int(obj.findtext('difficult') or 0)
            # As mmdet: VOC pixels are 1-based, boxes become 0-based.
            instances.append(
                dict(bbox=[int(x1) - 1, int(y1) - 1, int(x2) - 1,
                           int(y2) - 1],
                     bbox_label=label_of[name],
                     ignore_flag=int(difficult > 0)))
        return dict(img_path=img_path, img_id=img_id, xml_path=xml_path,
                    width=width, height=height, instances=instances)

    def filter_data(self) -> List[dict]:
        """mmdet's filter: images without objects, or smaller than
        ``min_size``, are left out of training."""
        if self.test_mode or not self.filter_cfg:
            return self.data_list
        empty = self.filter_cfg.get('filter_empty_gt', False)
        min_size = self.filter_cfg.get('min_size', 0)
        return [
            info for info in self.data_list
            if not (empty and not info['instances'])
            and min(info['width'], info['height']) >= min_size
        ]

    def get_cat_ids(self, idx: int) -> List[int]:
        """The class ids of the objects of image ``idx``."""
        return [inst['bbox_label']
                for inst in self.get_data_info(idx)['instances']]
