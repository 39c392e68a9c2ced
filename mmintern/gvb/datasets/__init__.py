"""The GV-B datasets that mmpretrain, mmdet and mmseg do not have.

Importing this package registers them in mmengine's root ``DATASETS``
registry (and mmintern's). It imports ``mmpretrain.datasets`` (for its
``BaseDataset`` and CIFAR classes), never mmdet or mmseg.

Classification: the readers of the official downloads mmpretrain lacks.
Detection, segmentation and depth: CityPersons, WIDER FACE, KITTI (Eigen),
7-Scenes, and :class:`VOCStyleDataset` for your own VOC-format data.
"""
from .base import ArrayImageDataset, per_class_split
from .caltech101 import Caltech101Folders
from .cifar import GVBCIFAR10, GVBCIFAR100
from .citypersons import CityPersonsDataset, box_visibility, read_anno_mat
from .class_folder_split import ClassFolderSplitDataset
from .eurosat import EuroSAT
from .fer2013 import FER2013
from .gtsrb import GTSRB
from .kinetics import KineticsFrames
from .kitti_depth import KittiEigenDepthDataset, parse_kitti_split
from .pcam import PatchCamelyon
from .resisc45 import RESISC45
from .retinopathy import DiabeticRetinopathy
from .seven_scenes import SevenScenesDepthDataset
from .stanford_cars import StanfordCarsFiles
from .svhn import SVHNMat
from .ucf101 import UCF101Frames
from .voc_style import VOCStyleDataset
from .wider_face import (WiderFaceDataset, parse_wider_face_gt,
                         read_wider_keep_mat)

__all__ = [
    'ArrayImageDataset', 'ClassFolderSplitDataset', 'per_class_split',
    'GVBCIFAR10', 'GVBCIFAR100', 'SVHNMat', 'EuroSAT', 'RESISC45',
    'DiabeticRetinopathy', 'FER2013', 'UCF101Frames', 'GTSRB',
    'PatchCamelyon', 'KineticsFrames', 'Caltech101Folders',
    'StanfordCarsFiles', 'CityPersonsDataset', 'box_visibility',
    'read_anno_mat', 'KittiEigenDepthDataset', 'parse_kitti_split',
    'SevenScenesDepthDataset', 'WiderFaceDataset', 'parse_wider_face_gt',
    'read_wider_keep_mat', 'VOCStyleDataset'
]
