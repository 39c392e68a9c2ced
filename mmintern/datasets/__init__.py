from .class_folder_subset import ClassFolderSubset
from .image_text_dataset import ImageTextDataset
from .label_system import (ConceptGraph, dataset_classes, load_concept_graph,
                           map_classes, shared_concepts)
from .multi_dataset_sampler import RatioMultiDatasetSampler
from .percentage_dataset import PercentageDataset
from .percentage_split import (class_proportional_split, image_split,
                               read_split_file, split_statistics,
                               write_split_file)
from .synthetic_shapes import SHAPE_CLASSES, write_shapes_coco
from .synthetic_shapes_seg import SHAPE_SEG_CLASSES, write_shapes_seg
from .transforms import AddDatasetName, DepthEvalCrop, PackGVBDetInputs

__all__ = [
    'SHAPE_CLASSES', 'write_shapes_coco', 'SHAPE_SEG_CLASSES',
    'write_shapes_seg', 'PercentageDataset',
    'class_proportional_split', 'image_split', 'split_statistics',
    'write_split_file', 'read_split_file', 'AddDatasetName',
    'DepthEvalCrop', 'PackGVBDetInputs', 'RatioMultiDatasetSampler',
    'ConceptGraph', 'dataset_classes', 'load_concept_graph', 'map_classes',
    'shared_concepts', 'ImageTextDataset', 'ClassFolderSubset'
]
