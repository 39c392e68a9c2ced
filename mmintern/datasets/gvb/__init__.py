"""The GV-B classification datasets that mmpretrain does not have.

Importing this package registers them in mmengine's root ``DATASETS``
registry (and mmintern's). It imports ``mmpretrain.datasets`` (for its
``BaseDataset`` and CIFAR classes), never mmdet or mmseg.
"""
from .base import ArrayImageDataset, per_class_split
from .caltech101 import Caltech101Folders
from .cifar import GVBCIFAR10, GVBCIFAR100
from .class_folder_split import ClassFolderSplitDataset
from .eurosat import EuroSAT
from .fer2013 import FER2013
from .gtsrb import GTSRB
from .kinetics import KineticsFrames
from .pcam import PatchCamelyon
from .resisc45 import RESISC45
from .retinopathy import DiabeticRetinopathy
from .stanford_cars import StanfordCarsFiles
from .svhn import SVHNMat
from .ucf101 import UCF101Frames

__all__ = [
    'ArrayImageDataset', 'ClassFolderSplitDataset', 'per_class_split',
    'GVBCIFAR10', 'GVBCIFAR100', 'SVHNMat', 'EuroSAT', 'RESISC45',
    'DiabeticRetinopathy', 'FER2013', 'UCF101Frames', 'GTSRB',
    'PatchCamelyon', 'KineticsFrames', 'Caltech101Folders',
    'StanfordCarsFiles'
]
