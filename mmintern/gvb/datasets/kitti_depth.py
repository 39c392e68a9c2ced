"""KITTI depth on the Eigen split, for the GV-B depth estimation task.

Images come from KITTI raw (https://www.cvlibs.net/datasets/kitti/raw_data.php,
the ``*_sync.zip`` drives and ``*_calib.zip``); the ground truth is the
official projected depth of the KITTI depth benchmark
(https://www.cvlibs.net/datasets/kitti/eval_depth.php, ``data_depth_annotated
.zip``), whose drives are split into ``train/`` and ``val/``:

.. code-block:: none

    kitti/
    ├── raw/<date>/<drive>/image_02/data/<frame>.png
    ├── depth/{train,val}/<drive>/proj_depth/groundtruth/image_02/
    │       <frame>.png
    └── splits/eigen_{train,test}_files_with_gt.txt

The split lists are BTS's (https://github.com/cleinc/bts,
``train_test_inputs/``), as distributed; Monodepth2's lists
(``splits/eigen/test_files.txt``) work too (see :func:`parse_kitti_split`).
The ground truth is looked up in ``depth/train`` and ``depth/val`` by
drive, camera and frame: a uint16 PNG, depth = value / 256 m, 0 = no
measurement (load it with
``LoadDepthAnnotation(depth_rescale_factor=1 / 256)``).
Samples without ground truth (45 of the 697 Eigen test images: the
well-known 652-image "improved ground truth" test set) are skipped, and the
number skipped is logged.

Evaluation uses the Garg / Eigen crop (rows 0.40810811-0.99189189, columns
0.03594771-0.96405229 of the image) and depths in [1e-3, 80] m: the crop is
the test pipeline's :class:`~mmintern.datasets.transforms.DepthEvalCrop`
(it zeroes the ground truth outside it), the range is mmseg's
``DepthMetric(min_depth_eval=1e-3, max_depth_eval=80)``.
"""
import os.path as osp
from typing import List, Optional, Sequence

from mmengine.dataset import BaseDataset
from mmengine.logging import print_log

from mmintern.registry import register_dataset

__all__ = ['KittiEigenDepthDataset', 'parse_kitti_split']


CAMERAS = {'l': 'image_02', 'r': 'image_03'}


def _image_path(tokens: List[str]) -> Optional[str]:
    """``<date>/<drive>/image_0X/data/<frame>.png`` of one split line, or
    None when the line is in none of the distributed formats."""
    parts = tokens[0].split('/')
    if len(parts) == 4:
        # Some BTS copies drop the date folder; it starts the drive name.
        parts = [parts[0][:10]] + parts
    if len(parts) == 5 and parts[2] in CAMERAS.values() and \
            parts[3] == 'data':
        return '/'.join(parts)
    # Monodepth2: "<date>/<drive> <frame> <l|r>"; its loader reads .jpg
    # copies it makes itself, KITTI raw has .png.
    if len(parts) == 2 and len(tokens) == 3 and tokens[1].isdigit() and \
            tokens[2] in CAMERAS:
        return (f'{tokens[0]}/{CAMERAS[tokens[2]]}/data/'
                f'{int(tokens[1]):010d}.png')
    return None


def parse_kitti_split(path: str) -> List[str]:
    """The image paths of a KITTI Eigen split file, in any of the formats
    it is distributed in.

    - BTS (``eigen_{train,test}_files_with_gt.txt``):
      ``<date>/<drive>/image_0X/data/<frame>.png <ground truth or None>
      <focal>``, also without the ``<date>/`` folder;
    - Monodepth2 (``splits/eigen/test_files.txt``, ``splits/eigen_zhou``):
      ``<date>/<drive> <frame> <l|r>``, ``l`` the left camera
      (``image_02``), ``r`` the right one (``image_03``).

    The ground truth is found by drive, camera and frame (see
    :class:`KittiEigenDepthDataset`), so the lists' own ground-truth
    column is not needed.

    Args:
        path (str): The split file. CRLF line ends are fine.

    Returns:
        list[str]: ``<date>/<drive>/image_0X/data/<frame>.png`` per
        non-empty line, in file order.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'KITTI split file {path!r} not found; expected an Eigen split '
            'list, e.g. BTS\'s eigen_test_files_with_gt.txt')
    paths = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            tokens = line.split()
            if not tokens:
                continue
            image = _image_path(tokens)
            if image is None:
                raise ValueError(
                    f'{path}:{number}: {line.strip()!r} is neither '
                    '<date>/<drive>/image_0X/data/<frame>.png ... (BTS) nor '
                    '<date>/<drive> <frame> <l|r> (Monodepth2)')
            paths.append(image)
    return paths


@register_dataset
class KittiEigenDepthDataset(BaseDataset):
    """KITTI raw images with the official projected depth ground truth.

    Each data info holds ``img_path``, ``depth_map_path`` and the empty
    ``seg_fields`` mmseg's loading transforms append to.

    Args:
        ann_file (str): The split file, relative to ``data_root``, e.g.
            ``'splits/eigen_test_files_with_gt.txt'``.
        data_prefix (dict): ``img_path``: the KITTI raw folder (``'raw'``);
            ``depth_map_path``: the depth benchmark folder holding
            ``train/`` and ``val/`` (``'depth'``).
        depth_subsets (Sequence[str]): Sub-folders of ``depth_map_path``
            searched for a drive. Defaults to ``('train', 'val')``.
        **kwargs: The other arguments of mmengine's ``BaseDataset``.
    """
    METAINFO = dict(classes=(), max_depth=80.)

    def __init__(self,
                 ann_file: str,
                 data_prefix: dict = dict(img_path='raw',
                                          depth_map_path='depth'),
                 depth_subsets: Sequence[str] = ('train', 'val'),
                 **kwargs):
        self.depth_subsets = tuple(depth_subsets)
        super().__init__(ann_file=ann_file, data_prefix=data_prefix, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Pair the split's images with their ground-truth PNGs."""
        img_dir = self.data_prefix.get('img_path')
        depth_dir = self.data_prefix.get('depth_map_path')
        data_list = []
        missing = []
        for rel_path in parse_kitti_split(self.ann_file):
            _, drive, camera, _, frame = rel_path.split('/')
            img_path = osp.join(img_dir, rel_path)
            if not osp.isfile(img_path):
                raise FileNotFoundError(
                    f'KITTI image {img_path!r} not found; expected KITTI raw '
                    'as raw/<date>/<drive>/image_02/data/<frame>.png')
            candidates = [
                osp.join(depth_dir, subset, drive, 'proj_depth',
                         'groundtruth', camera, frame)
                for subset in self.depth_subsets
            ]
            found = [p for p in candidates if osp.isfile(p)]
            if not found:
                missing.append(rel_path)
                continue
            data_list.append(
                dict(img_path=img_path, depth_map_path=found[0],
                     seg_fields=[]))
        if missing:
            print_log(
                f'KittiEigenDepthDataset: {len(missing)} of '
                f'{len(missing) + len(data_list)} images of {self.ann_file} '
                'have no ground truth under '
                f'{depth_dir}/{{{",".join(self.depth_subsets)}}}/<drive>/'
                'proj_depth/groundtruth/image_02/ and are skipped '
                f'(first: {missing[0]})',
                logger='current')
        if not data_list:
            raise FileNotFoundError(
                f'no image of {self.ann_file} has ground truth under '
                f'{depth_dir!r}')
        return data_list
