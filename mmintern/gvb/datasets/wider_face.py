"""WIDER FACE in its official layout, for the GV-B face detection task.

The official release (http://shuoyang1213.me/WIDERFACE/) unpacks to:

.. code-block:: none

    wider_face/
    ├── WIDER_train/images/<event>/<name>.jpg
    ├── WIDER_val/images/<event>/<name>.jpg
    └── wider_face_split/
        ├── wider_face_train_bbx_gt.txt
        ├── wider_face_val_bbx_gt.txt
        └── wider_{easy,medium,hard}_val.mat   (from eval_tools.zip)

``wider_face_<split>_bbx_gt.txt`` repeats, for every image: its path
relative to ``images/`` (``0--Parade/0_Parade_marchingband_1_849.jpg``),
the number of faces, then one line per face,
``x y w h blur expression illumination invalid occlusion pose``. An image
with no face still has one all-zero face line, which is not a face.

The ``wider_<setting>_val.mat`` files of the official evaluation list, per
image, the 1-based indices of the faces each setting keeps (``gt_list``);
the other faces are ignored by that setting, not missed. This dataset turns
them into the boolean ``easy`` / ``medium`` / ``hard`` instance fields that
:class:`~mmintern.evaluation.metrics.WiderFaceAP` reads (carry them with
:class:`~mmintern.datasets.transforms.PackGVBDetInputs`).
"""
import os.path as osp
from typing import Dict, List, Optional, Tuple

import numpy as np
from mmengine.dataset import BaseDataset
from mmengine.logging import print_log
from PIL import Image

from mmintern.registry import register_dataset

__all__ = ['WiderFaceDataset', 'parse_wider_face_gt', 'read_wider_keep_mat']

WIDER_FACE_KEEP_SETTINGS = ('easy', 'medium', 'hard')
# The attribute columns after x y w h, in the order of the gt file.
WIDER_FACE_ATTRIBUTES = ('blur', 'expression', 'illumination', 'invalid',
                         'occlusion', 'pose')


def parse_wider_face_gt(path: str) -> List[Tuple[str, np.ndarray]]:
    """Read a ``wider_face_<split>_bbx_gt.txt`` file.

    Args:
        path (str): The gt file.

    Returns:
        list[tuple[str, np.ndarray]]: ``(image path relative to images/,
        faces)`` per image, in file order; ``faces`` is an int array of
        shape (N, 10), the columns ``x y w h`` then
        :data:`WIDER_FACE_ATTRIBUTES`. The dummy line of an image without
        faces is dropped, so N is 0 there.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'WIDER FACE annotation {path!r} not found; expected the '
            'official wider_face_split/wider_face_{train,val}_bbx_gt.txt')
    with open(path) as f:
        lines = [line.strip() for line in f]
    lines = [line for line in lines if line]
    images = []
    pos = 0
    while pos < len(lines):
        name = lines[pos]
        try:
            count = int(lines[pos + 1])
        except (IndexError, ValueError) as err:
            raise ValueError(f'{path}: line {pos + 2} should hold the face '
                             f'count of {name!r}') from err
        # A zero count is followed by one placeholder line of zeros.
        num_lines = max(count, 1)
        rows = lines[pos + 2:pos + 2 + num_lines]
        if len(rows) != num_lines:
            raise ValueError(f'{path}: {name!r} announces {count} faces but '
                             f'the file ends after {len(rows)}')
        values = [row.split() for row in rows]
        if any(len(v) < 10 for v in values):
            raise ValueError(f'{path}: the face lines of {name!r} need 10 '
                             'numbers: x y w h ' +
                             ' '.join(WIDER_FACE_ATTRIBUTES))
        faces = np.array([[int(x) for x in v[:10]] for v in values],
                         dtype=np.int64).reshape(-1, 10)
        images.append((name, faces[:count]))
        pos += 2 + num_lines
    return images


def _mat_str(cell) -> str:
    # loadmat wraps every MATLAB string in nested object arrays.
    while isinstance(cell, np.ndarray):
        cell = cell.reshape(-1)[0]
    return str(cell)


def read_wider_keep_mat(path: str) -> Dict[str, np.ndarray]:
    """The keep list of one setting from ``wider_<setting>_val.mat``.

    Args:
        path (str): The .mat file of the official evaluation tools.

    Returns:
        dict[str, np.ndarray]: ``'<event>/<name>'`` (no extension) to the
        0-based indices of the faces the setting keeps.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'WIDER FACE keep list {path!r} not found; it is in the official '
            'eval_tools.zip (ground_truth/wider_<setting>_val.mat), to be '
            'copied into wider_face_split/')
    try:
        from scipy.io import loadmat
    except ImportError as err:  # scipy is an optional dependency
        raise ImportError('reading the WIDER FACE .mat keep lists needs '
                          'scipy (pip install scipy)') from err
    mat = loadmat(path)
    for key in ('event_list', 'file_list', 'gt_list'):
        if key not in mat:
            raise KeyError(f'{path} has no {key!r}; is it a '
                           'wider_<setting>_val.mat of the official tools?')
    keep = {}
    events = mat['event_list'].reshape(-1)
    for event, files, gts in zip(events, mat['file_list'].reshape(-1),
                                 mat['gt_list'].reshape(-1)):
        event = _mat_str(event)
        for name, gt in zip(files.reshape(-1), gts.reshape(-1)):
            # MATLAB indices are 1-based.
            keep[f'{event}/{_mat_str(name)}'] = \
                np.asarray(gt, dtype=np.int64).reshape(-1) - 1
    return keep


@register_dataset
class WiderFaceDataset(BaseDataset):
    """WIDER FACE from the official gt text files (one class, ``face``).

    Each data info holds ``img_path``, ``img_id``, ``width``, ``height``
    and ``instances``, as mmdet's datasets give them: ``bbox`` (xyxy),
    ``bbox_label`` 0 and ``ignore_flag``, plus the six attributes of the gt
    file and, with ``keep_lists``, one bool per setting (``easy`` ...).

    In test mode every face is a ground truth (``ignore_flag`` 0) whatever
    its size, so the face indices stay those of the keep lists. In training
    faces flagged ``invalid`` or without area are marked ignored, as the
    WIDER FACE guidelines ask.

    Args:
        ann_file (str): The gt text file, relative to ``data_root``, e.g.
            ``'wider_face_split/wider_face_val_bbx_gt.txt'``.
        data_prefix (dict): ``img``: the folder the gt file's paths are
            relative to, e.g. ``'WIDER_val/images'``.
        keep_lists (dict, optional): Setting name to its ``.mat`` file
            relative to ``data_root``, e.g. ``dict(easy='wider_face_split/
            wider_easy_val.mat', ...)``. Every image must be in every list.
        read_image_size (bool): Read each image's header for ``width`` /
            ``height``; mmdet's samplers and filters use them. The gt file
            has no sizes. Defaults to True.
        filter_cfg (dict, optional): ``filter_empty_gt`` (drop training
            images without a non-ignored face) and ``min_size`` (drop
            images whose shorter side is smaller). Not used in test mode.
        **kwargs: The other arguments of mmengine's ``BaseDataset``.
    """
    METAINFO = dict(classes=('face', ), palette=[(255, 0, 0)])

    def __init__(self,
                 ann_file: str,
                 data_prefix: dict = dict(img='WIDER_val/images'),
                 keep_lists: Optional[Dict[str, str]] = None,
                 read_image_size: bool = True,
                 **kwargs):
        self.keep_lists = dict(keep_lists or {})
        self.read_image_size = read_image_size
        super().__init__(ann_file=ann_file, data_prefix=data_prefix, **kwargs)

    def _keep_path(self, path: str) -> str:
        return path if osp.isabs(path) or not self.data_root else osp.join(
            self.data_root, path)

    def load_data_list(self) -> List[dict]:
        """Parse the gt file (and keep lists) into mmdet-style data infos."""
        img_dir = self.data_prefix.get('img', '')
        keep = {
            name: read_wider_keep_mat(self._keep_path(path))
            for name, path in self.keep_lists.items()
        }
        data_list = []
        for img_id, (rel_path, faces) in enumerate(
                parse_wider_face_gt(self.ann_file)):
            img_path = osp.join(img_dir, rel_path)
            info = dict(img_path=img_path, img_id=img_id, instances=[])
            if self.read_image_size:
                if not osp.isfile(img_path):
                    raise FileNotFoundError(
                        f'WIDER FACE image {img_path!r} not found; expected '
                        'WIDER_<split>/images/<event>/<name>.jpg')
                # PIL reads only the header: cheap for 12880 images.
                with Image.open(img_path) as image:
                    width, height = image.size
                info.update(width=width, height=height)
            flags = {}
            key = osp.splitext(rel_path)[0].replace(osp.sep, '/')
            for setting, lists in keep.items():
                if key not in lists:
                    raise KeyError(f'{key!r} is not in the {setting!r} keep '
                                   f'list {self.keep_lists[setting]!r}')
                mask = np.zeros(len(faces), dtype=bool)
                indices = lists[key]
                if len(indices) and (indices.min() < 0
                                     or indices.max() >= len(faces)):
                    raise ValueError(
                        f'the {setting!r} keep list of {key!r} names faces '
                        f'{(indices + 1).tolist()} but the gt file has '
                        f'{len(faces)}')
                mask[indices] = True
                flags[setting] = mask
            for i, face in enumerate(faces):
                x, y, w, h = (float(v) for v in face[:4])
                attributes = dict(zip(WIDER_FACE_ATTRIBUTES,
                                      (int(v) for v in face[4:])))
                ignore = 0
                if not self.test_mode and (attributes['invalid'] == 1
                                           or w <= 0 or h <= 0):
                    ignore = 1
                instance = dict(
                    bbox=[x, y, x + w, y + h],
                    bbox_label=0,
                    ignore_flag=ignore,
                    **attributes)
                for setting, mask in flags.items():
                    instance[setting] = bool(mask[i])
                info['instances'].append(instance)
            data_list.append(info)
        if not data_list:
            print_log(f'{self.ann_file} lists no image', logger='current')
        return data_list

    def filter_data(self) -> List[dict]:
        """Drop training images without faces or smaller than ``min_size``."""
        if self.test_mode or not self.filter_cfg:
            return self.data_list
        filter_empty = self.filter_cfg.get('filter_empty_gt', False)
        min_size = self.filter_cfg.get('min_size', 0)
        kept = []
        for info in self.data_list:
            if filter_empty and not any(
                    inst['ignore_flag'] == 0 for inst in info['instances']):
                continue
            if min_size and min(info.get('width', min_size),
                                info.get('height', min_size)) < min_size:
                continue
            kept.append(info)
        return kept

    def get_cat_ids(self, idx: int) -> List[int]:
        """The class ids of the faces of image ``idx`` (all 0)."""
        return [inst['bbox_label']
                for inst in self.get_data_info(idx)['instances']]
