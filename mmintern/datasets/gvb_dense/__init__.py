"""The GV-B detection, segmentation and depth datasets mmdet / mmseg lack.

Importing this package registers them in mmengine's root ``DATASETS``
(and mmintern's); it imports neither mmdet nor mmseg.
"""
from .citypersons import CityPersonsDataset, box_visibility
from .kitti_depth import KittiEigenDepthDataset, parse_kitti_split
from .seven_scenes import SevenScenesDepthDataset
from .voc_style import VOCStyleDataset
from .wider_face import (WiderFaceDataset, parse_wider_face_gt,
                         read_wider_keep_mat)

__all__ = [
    'CityPersonsDataset', 'box_visibility', 'KittiEigenDepthDataset',
    'parse_kitti_split', 'SevenScenesDepthDataset', 'WiderFaceDataset',
    'parse_wider_face_gt', 'read_wider_keep_mat', 'VOCStyleDataset'
]
