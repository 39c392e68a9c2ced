"""EuroSAT (RGB): Sentinel-2 land use and land cover patches."""
from mmintern.registry import register_dataset
from .class_folder_split import ClassFolderSplitDataset


@register_dataset
class EuroSAT(ClassFolderSplitDataset):
    """EuroSAT RGB: 27,000 64x64 patches in 10 classes.

    The download (``EuroSAT_RGB.zip``,
    https://zenodo.org/records/7711810) unpacks to
    ``EuroSAT_RGB/<class>/<class>_<n>.jpg``; the older ``EuroSAT.zip``
    unpacks to ``2750/<class>/...`` (pass ``data_prefix='2750'``). There is
    no official split: the dataset takes a seeded 80/20 split of every class
    (see :class:`ClassFolderSplitDataset`).

    Args:
        data_root (str): The folder holding ``EuroSAT_RGB``.
        split (str): ``'train'`` or ``'test'``. Defaults to ``'train'``.
        **kwargs: Other arguments of :class:`ClassFolderSplitDataset`.
    """
    METAINFO = dict(classes=(
        'AnnualCrop', 'Forest', 'HerbaceousVegetation', 'Highway',
        'Industrial', 'Pasture', 'PermanentCrop', 'Residential', 'River',
        'SeaLake'))
    DATA_PREFIX = 'EuroSAT_RGB'
    DOWNLOAD = 'EuroSAT_RGB.zip from https://zenodo.org/records/7711810'
