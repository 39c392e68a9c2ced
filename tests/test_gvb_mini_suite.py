"""The GV-B mini suite made from the real CIFAR-10 extract, and that no
INTERN stage trains on its images."""
import os.path as osp
import pickle

import numpy as np
import pytest
from PIL import Image

import mmintern  # noqa: F401
from _utils import SHARED_DATA, needs_data
from mmintern.gvb.mini_suite import (CIFAR10_CLASSES, GVB_FILES,
                                     GVB_TRAIN_PER_CLASS, UPSTREAM_FILES,
                                     class_files, write_mini_suite)

EXTRACT = osp.join(SHARED_DATA, 'cifar10', 'test')


@pytest.fixture(scope='module')
def gvb_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('gvb_mini'))
    write_mini_suite(SHARED_DATA, root)
    return root


@needs_data('cifar10', 'test')
def test_upstream_and_gvb_files_are_disjoint_and_cover_the_extract():
    up = class_files(EXTRACT, UPSTREAM_FILES)
    gvb = class_files(EXTRACT, GVB_FILES)
    for name in CIFAR10_CLASSES:
        assert len(up[name]) == len(gvb[name]) == 100
        assert not set(up[name]) & set(gvb[name])
        assert osp.basename(gvb[name][0]) == '0100.jpg'


@needs_data('cifar10', 'test')
def test_cifar10_pickles_hold_the_extract_pixels_and_labels(gvb_root):
    from mmengine.registry import DATASETS
    folder = osp.join(gvb_root, 'cifar10', 'cifar-10-batches-py')
    with open(osp.join(folder, 'test_batch'), 'rb') as f:
        test = pickle.load(f, encoding='latin1')
    assert len(test['labels']) == 10 * (100 - GVB_TRAIN_PER_CLASS)
    # The first test image is class 0's first file past the training ones.
    first = osp.join(EXTRACT, 'airplane',
                     f'{GVB_FILES[0] + GVB_TRAIN_PER_CLASS:04d}.jpg')
    rgb = np.asarray(Image.open(first).convert('RGB'))
    row = test['data'][0].reshape(3, 32, 32).transpose(1, 2, 0)
    np.testing.assert_array_equal(row, rgb)
    assert test['labels'][0] == 0 and test['filenames'][0] == '0150.jpg'

    train = DATASETS.build(dict(type='GVBCIFAR10', split='train',
                                data_root=gvb_root + '/cifar10/',
                                pipeline=[]))
    labels = np.array([train[i]['gt_label'] for i in range(len(train))])
    assert len(train) == 10 * GVB_TRAIN_PER_CLASS
    assert np.bincount(labels).tolist() == [GVB_TRAIN_PER_CLASS] * 10


def test_missing_class_folder_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='airplane'):
        class_files(str(tmp_path), GVB_FILES)
    for name in CIFAR10_CLASSES:
        (tmp_path / name).mkdir()
    with pytest.raises(ValueError, match='has 0 images'):
        class_files(str(tmp_path), GVB_FILES)
    with pytest.raises(KeyError, match='cifar10'):
        write_mini_suite(SHARED_DATA, str(tmp_path), ['imagenet'])
