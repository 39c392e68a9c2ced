"""The GV-B mini suite: datasets in the protocols' on-disk layouts, made
from the small real extracts that ship with the project.

CIFAR-10 takes GV-B's own layout (``configs/gvb/classification/
cifar10.py``). The dense tasks have no GV-B dataset among the extracts, so
they enter as a user's own datasets, in the layouts their configs read:
``raccoon`` (VOC xml, one class; ``configs/gvb/detection/raccoon.py``),
``camvid`` (images + index masks; ``segmentation/camvid.py``) and
``seven_scenes`` (NYU's depth layout; ``depth/seven_scenes.py``). Their
files are linked, not copied.

Upstream stages and GV-B must not share images: a stage that trained on a
GV-B test image with its label would inflate that backbone's GV-B score.
The CIFAR-10 extract (200 JPEGs per class, ``NNNN.jpg`` = per-class index)
is therefore split by index: :data:`UPSTREAM_FILES` (the first 100 of each
class) are the only ones the INTERN stage configs may train on, and the GV-B
mini suite uses the rest, :data:`GVB_FILES`.
"""
import os
import os.path as osp
import pickle
from typing import Dict, List, Sequence, Tuple

import numpy as np
from PIL import Image

from mmintern.datasets.image_folders import class_folder_images

# CIFAR-10's class order (the label of a folder is its position here).
CIFAR10_CLASSES = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog',
                   'frog', 'horse', 'ship', 'truck')
# Per-class file positions (sorted by name) of the extract.
UPSTREAM_FILES = (0, 100)
GVB_FILES = (100, 200)
# Of the GV-B files of a class, this many train; the rest are the test set.
GVB_TRAIN_PER_CLASS = 50
NUM_TRAIN_BATCHES = 5  # data_batch_1 .. data_batch_5, as the real archive


def class_files(root: str, span: Tuple[int, int]) -> Dict[str, List[str]]:
    """The files of each CIFAR-10 class folder of ``root`` whose position
    (sorted by name) is in ``[span[0], span[1])``."""
    files = {}
    images = class_folder_images(root, CIFAR10_CLASSES,
                                 'one folder per CIFAR-10 class')
    for name in CIFAR10_CLASSES:
        folder = osp.join(root, name)
        names = images[name]
        if len(names) < span[1]:
            raise ValueError(f'{folder} has {len(names)} images, the split '
                             f'needs {span[1]}')
        files[name] = [osp.join(folder, f) for f in names[span[0]:span[1]]]
    return files


def _rows(paths: Sequence[str]) -> np.ndarray:
    """CIFAR rows: the R, G and B planes of each 32x32 image, 3072 bytes."""
    rows = []
    for path in paths:
        with Image.open(path) as img:
            if img.size != (32, 32):
                raise ValueError(f'{path} is {img.size}, CIFAR images are '
                                 '32x32')
            rows.append(np.asarray(img.convert('RGB')).transpose(
                2, 0, 1).reshape(-1))
    return np.stack(rows).astype(np.uint8)


def _dump(path: str, paths: Sequence[str], labels: Sequence[int],
          batch_label: str) -> None:
    entry = dict(batch_label=batch_label, labels=list(labels),
                 data=_rows(paths),
                 filenames=[osp.basename(p) for p in paths])
    with open(path, 'wb') as f:
        pickle.dump(entry, f)


def write_cifar10(src: str, gvb_root: str) -> str:
    """Write the GV-B CIFAR-10 layout (``cifar-10-batches-py``) from the
    extract's :data:`GVB_FILES`: per class the first
    :data:`GVB_TRAIN_PER_CLASS` train, the others are ``test_batch``.

    Args:
        src (str): The extract's folder of class folders, e.g.
            ``../shared/data/cifar10/test``.
        gvb_root (str): The GV-B data root; writes ``<gvb_root>/cifar10``.

    Returns:
        str: The dataset folder.
    """
    files = class_files(src, GVB_FILES)
    train, test = [], []
    for label, name in enumerate(CIFAR10_CLASSES):
        train += [(p, label) for p in files[name][:GVB_TRAIN_PER_CLASS]]
        test += [(p, label) for p in files[name][GVB_TRAIN_PER_CLASS:]]
    # Interleave the classes over the batches, as the real ones are mixed.
    train = sorted(train, key=lambda item: (
        int(osp.splitext(osp.basename(item[0]))[0]), item[1]))
    folder = osp.join(gvb_root, 'cifar10', 'cifar-10-batches-py')
    os.makedirs(folder, exist_ok=True)
    for b in range(NUM_TRAIN_BATCHES):
        part = train[b::NUM_TRAIN_BATCHES]
        _dump(osp.join(folder, f'data_batch_{b + 1}'), [p for p, _ in part],
              [y for _, y in part], f'training batch {b + 1} of 5')
    _dump(osp.join(folder, 'test_batch'), [p for p, _ in test],
          [y for _, y in test], 'testing batch 1 of 1')
    with open(osp.join(folder, 'batches.meta'), 'wb') as f:
        pickle.dump(dict(label_names=list(CIFAR10_CLASSES),
                         num_cases_per_batch=len(train) // NUM_TRAIN_BATCHES,
                         num_vis=3072), f)
    return osp.dirname(folder)


def _link(src: str, dst: str) -> None:
    if not osp.exists(src):
        raise FileNotFoundError(f'{src} is missing from the data extract')
    os.makedirs(osp.dirname(dst), exist_ok=True)
    if not osp.lexists(dst):
        os.symlink(osp.abspath(src), dst)


def write_raccoon(src: str, gvb_root: str) -> str:
    """``<gvb_root>/raccoon/VOCdevkit``: the extract is VOC-style already
    (``VOC_raccoon``; its author's 160 train / 40 val ids)."""
    _link(osp.join(src, 'VOCdevkit'),
          osp.join(gvb_root, 'raccoon', 'VOCdevkit'))
    return osp.join(gvb_root, 'raccoon')


# Of a frame sequence, the first share trains, the rest tests: the frames
# are consecutive video, so a random split would test on near-copies of
# training frames.
SEQUENCE_TRAIN_SHARE = 0.8


def _sequence_split(names: Sequence[str]) -> Dict[str, List[str]]:
    names = sorted(names)
    cut = int(round(len(names) * SEQUENCE_TRAIN_SHARE))
    return dict(train=names[:cut], test=names[cut:])


def write_camvid(src: str, gvb_root: str) -> str:
    """``<gvb_root>/camvid/{img_dir,ann_dir}/{train,test}/<name>.png`` from
    the extract's 101 val frames (index masks, 11 = unlabelled)."""
    root = osp.join(src, 'CamVid')
    names = [f for f in os.listdir(osp.join(root, 'val'))
             if f.endswith('.png')]
    out = osp.join(gvb_root, 'camvid')
    for split, files in _sequence_split(names).items():
        for f in files:
            _link(osp.join(root, 'val', f), osp.join(out, 'img_dir', split, f))
            _link(osp.join(root, 'valannot', f),
                  osp.join(out, 'ann_dir', split, f))
    return out


def write_seven_scenes(src: str, gvb_root: str) -> str:
    """``<gvb_root>/seven_scenes/{images,annotations}/{train,test}/
    kitchen_<frame>.{jpg,png}`` (NYU's layout) from the extract's 100
    frames (uint16 millimetres, 0 = no measurement)."""
    frames = [f.split('.')[0] for f in os.listdir(osp.join(src, 'rgb'))
              if f.endswith('.color.jpg')]
    out = osp.join(gvb_root, 'seven_scenes')
    for split, names in _sequence_split(frames).items():
        for frame in names:
            stem = 'kitchen_' + frame.split('-')[1]
            _link(osp.join(src, 'rgb', f'{frame}.color.jpg'),
                  osp.join(out, 'images', split, f'{stem}.jpg'))
            _link(osp.join(src, 'depth', f'{frame}.depth.png'),
                  osp.join(out, 'annotations', split, f'{stem}.png'))
    return out


# Dataset key -> writer(source data root, GV-B root); the source root holds
# the extracts' folders (e.g. ../shared/data).
MINI_SUITE = {
    'cifar10': lambda data, gvb_root: write_cifar10(
        osp.join(data, 'cifar10', 'test'), gvb_root),
    'raccoon': lambda data, gvb_root: write_raccoon(
        osp.join(data, 'raccoon_voc'), gvb_root),
    'camvid': lambda data, gvb_root: write_camvid(
        osp.join(data, 'camvid_seg'), gvb_root),
    'seven_scenes': lambda data, gvb_root: write_seven_scenes(
        osp.join(data, 'depth_7scenes'), gvb_root),
}


def write_mini_suite(data_root: str, gvb_root: str,
                     datasets: Sequence[str] = tuple(MINI_SUITE)) -> list:
    """Write the mini suite's datasets that are not in ``gvb_root`` yet;
    returns their folders."""
    unknown = sorted(set(datasets) - set(MINI_SUITE))
    if unknown:
        raise KeyError(f'no mini-suite writer for {unknown}; valid: '
                       f'{sorted(MINI_SUITE)}')
    folders = []
    for key in datasets:
        folder = osp.join(gvb_root, key)
        if not osp.isdir(folder):
            MINI_SUITE[key](data_root, gvb_root)
        folders.append(folder)
    return folders
