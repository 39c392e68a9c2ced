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
    └── splits/eigen_{train,test}_files.txt

A split file lists one sample per line; its first token is the image path
relative to ``raw/``, ``<date>/<drive>/image_02/data/<frame>.png``; further
tokens (the ground-truth path or focal length of other code bases) are
ignored. The ground truth is looked up in ``depth/train`` and ``depth/val``
by drive and frame: a uint16 PNG, depth = value / 256 m, 0 = no measurement
(load it with ``LoadDepthAnnotation(depth_rescale_factor=1 / 256)``).
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
from typing import List, Sequence

from mmengine.dataset import BaseDataset
from mmengine.logging import print_log

from mmintern.registry import register_dataset

__all__ = ['KittiEigenDepthDataset', 'parse_kitti_split']


def parse_kitti_split(path: str) -> List[str]:
    """The image paths of a KITTI Eigen split file.

    Args:
        path (str): The split file.

    Returns:
        list[str]: First token of each non-empty line, in file order:
        ``<date>/<drive>/image_02/data/<frame>.png``.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'KITTI split file {path!r} not found; expected a list of '
            '<date>/<drive>/image_02/data/<frame>.png lines')
    paths = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            tokens = line.split()
            if not tokens:
                continue
            parts = tokens[0].split('/')
            if len(parts) != 5 or parts[2] != 'image_02' or \
                    parts[3] != 'data':
                raise ValueError(
                    f'{path}:{number}: {tokens[0]!r} is not '
                    '<date>/<drive>/image_02/data/<frame>.png')
            paths.append(tokens[0])
    return paths


@register_dataset
class KittiEigenDepthDataset(BaseDataset):
    """KITTI raw images with the official projected depth ground truth.

    Each data info holds ``img_path``, ``depth_map_path`` and the empty
    ``seg_fields`` mmseg's loading transforms append to.

    Args:
        ann_file (str): The split file, relative to ``data_root``, e.g.
            ``'splits/eigen_test_files.txt'``.
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
