"""PatchCamelyon (PCam) from the official HDF5 files."""
import os
import os.path as osp

import numpy as np

from mmintern.datasets.image_folders import require_file
from mmintern.registry import register_dataset
from .base import ArrayImageDataset

PCAM_SPLITS = dict(train='train', val='valid', test='test')
PCAM_FILE = 'camelyonpatch_level_2_split_{split}_{key}.h5'


def _import_h5py():
    try:
        import h5py
    except ImportError as error:
        raise ImportError('PatchCamelyon reads HDF5 files and needs h5py: '
                          'pip install h5py') from error
    return h5py


@register_dataset
class PatchCamelyon(ArrayImageDataset):
    """PCam: 96x96 lymph node patches, labelled 1 when the centre 32x32
    region holds tumour tissue.

    Reads ``camelyonpatch_level_2_split_<split>_x.h5`` (dataset ``x``,
    [N, 96, 96, 3] uint8 RGB) and ``..._y.h5`` (dataset ``y``,
    [N, 1, 1, 1] labels) from ``data_root``, as published at
    https://github.com/basveeling/pcam (unzip the ``.h5.gz`` files). The
    labels are read at load time; each image is read from the file when
    the sample is used, since the training set is 7 GB of pixels. The file
    is opened lazily in every process, so data loader workers each have
    their own handle.

    Args:
        data_root (str): The folder holding the ``.h5`` files.
        split (str): ``'train'``, ``'val'`` (the ``valid`` files) or
            ``'test'``. Defaults to ``'train'``.
        **kwargs: Other arguments of mmpretrain's ``BaseDataset``; the
            pipeline must not start with ``LoadImageFromFile``.
    """
    METAINFO = dict(classes=('normal', 'tumor'))

    def __init__(self, data_root: str, split: str = 'train', **kwargs):
        if split not in PCAM_SPLITS:
            raise ValueError(f'split must be one of {tuple(PCAM_SPLITS)}, '
                             f'got {split!r}')
        self.split = split
        self._h5 = None
        self._h5_pid = None
        name = PCAM_SPLITS[split]
        self.image_file = PCAM_FILE.format(split=name, key='x')
        super().__init__(
            ann_file=PCAM_FILE.format(split=name, key='y'),
            data_root=data_root, test_mode=split != 'train', **kwargs)

    def _expected(self, name: str) -> str:
        return (f'{name} of PCam (https://github.com/basveeling/pcam), '
                'gunzipped')

    def load_data_list(self):
        """Read the labels of the split and list its samples."""
        h5py = _import_h5py()
        labels_path = require_file(self.ann_file,
                                   self._expected(osp.basename(
                                       self.ann_file)))
        images_path = require_file(
            osp.join(self.data_root, self.image_file),
            self._expected(self.image_file))
        with h5py.File(labels_path, 'r') as f:
            labels = np.asarray(f['y']).reshape(-1)
        with h5py.File(images_path, 'r') as f:
            num_images = f['x'].shape[0]
        if num_images != len(labels):
            raise ValueError(f'{images_path} holds {num_images} images but '
                             f'{labels_path} {len(labels)} labels')
        return [
            dict(img_index=i, gt_label=int(label),
                 img_path=self.sample_name(self.image_file, i))
            for i, label in enumerate(labels)
        ]

    def read_image(self, info: dict) -> np.ndarray:
        """Read the patch from the HDF5 file, as BGR."""
        # A handle opened before a fork must not be shared with the child.
        if self._h5 is None or self._h5_pid != os.getpid():
            self._h5 = _import_h5py().File(
                osp.join(self.data_root, self.image_file), 'r')
            self._h5_pid = os.getpid()
        img = np.asarray(self._h5['x'][info['img_index']])
        return np.ascontiguousarray(img[..., ::-1])

    def __getstate__(self):
        # HDF5 handles do not pickle (spawned workers); reopen there.
        state = self.__dict__.copy()
        state['_h5'] = None
        state['_h5_pid'] = None
        return state
