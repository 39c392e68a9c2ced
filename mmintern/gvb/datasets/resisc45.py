"""NWPU-RESISC45: remote sensing image scene classification."""
from mmintern.registry import register_dataset
from .class_folder_split import ClassFolderSplitDataset

RESISC45_CLASSES = (
    'airplane', 'airport', 'baseball_diamond', 'basketball_court', 'beach',
    'bridge', 'chaparral', 'church', 'circular_farmland', 'cloud',
    'commercial_area', 'dense_residential', 'desert', 'forest', 'freeway',
    'golf_course', 'ground_track_field', 'harbor', 'industrial_area',
    'intersection', 'island', 'lake', 'meadow', 'medium_residential',
    'mobile_home_park', 'mountain', 'overpass', 'palace', 'parking_lot',
    'railway', 'railway_station', 'rectangular_farmland', 'river',
    'roundabout', 'runway', 'sea_ice', 'ship', 'snowberg',
    'sparse_residential', 'stadium', 'storage_tank', 'tennis_court',
    'terrace', 'thermal_power_station', 'wetland')


@register_dataset
class RESISC45(ClassFolderSplitDataset):
    """NWPU-RESISC45: 31,500 256x256 images, 700 in each of 45 classes.

    ``NWPU-RESISC45.rar`` (linked from
    https://gcheng-nwpu.github.io/#Datasets) unpacks to
    ``NWPU-RESISC45/<class>/<class>_<nnn>.jpg``. There is no official
    split: the dataset takes a seeded 80/20 split of every class (see
    :class:`ClassFolderSplitDataset`).

    Args:
        data_root (str): The folder holding ``NWPU-RESISC45``.
        split (str): ``'train'`` or ``'test'``. Defaults to ``'train'``.
        **kwargs: Other arguments of :class:`ClassFolderSplitDataset`.
    """
    METAINFO = dict(classes=RESISC45_CLASSES)
    DATA_PREFIX = 'NWPU-RESISC45'
    DOWNLOAD = 'NWPU-RESISC45.rar from https://gcheng-nwpu.github.io/'
