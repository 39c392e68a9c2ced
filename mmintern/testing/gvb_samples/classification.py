"""Tiny fixtures of the 20 GV-B classification datasets.

Each ``write_<key>(root)`` writes a handful of small images of two or three
classes into ``root`` in the on-disk layout of the dataset's official
download (the layout its config's header describes), so that the config
runs end to end on it. Images are noisy and coloured by class, so that they
differ; the fixtures are deterministic.

``write_fixture(gvb_root, key)`` writes the fixture of ``key`` into
``gvb_root/<key>``, where the config of ``key`` looks for it.
"""
import csv
import os
import os.path as osp
import pickle
from typing import Callable, Dict, List, Sequence

import cv2
import numpy as np

# Training and test images per class.
NUM_TRAIN = 4
NUM_TEST = 2

_COLORS = ((40, 40, 200), (40, 200, 40), (200, 40, 40))


def fixture_image(label: int, index: int, size: int = 32) -> np.ndarray:
    """An HWC uint8 image: the class colour plus seeded noise."""
    rng = np.random.default_rng(label * 1000 + index)
    base = np.array(_COLORS[label % len(_COLORS)], np.int16)
    noise = rng.integers(-40, 40, (size, size, 3), dtype=np.int16)
    return np.clip(base + noise, 0, 255).astype(np.uint8)


def _write_image(path: str, label: int, index: int, size: int = 32) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    if not cv2.imwrite(path, fixture_image(label, index, size)):
        raise OSError(f'could not write {path}')


def _write_lines(path: str, lines: Sequence[str],
                 newline: str = '\n') -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w', newline='') as f:
        f.write(''.join(f'{line}{newline}' for line in lines))


def _write_pickle(path: str, obj: dict) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        pickle.dump(obj, f)


def _savemat(path: str, arrays: dict) -> None:
    # The official files are MATLAB v5 with compressed variables.
    from scipy.io import savemat
    os.makedirs(osp.dirname(path), exist_ok=True)
    savemat(path, arrays, do_compression=True)


def _row(values, dtype=np.float64) -> np.ndarray:
    """A 1 x N MATLAB row vector."""
    return np.asarray(values, dtype=dtype).reshape(1, -1)


def _cells(strings) -> np.ndarray:
    """A 1 x N MATLAB cell array of strings."""
    cells = np.empty((1, len(strings)), dtype=object)
    for i, s in enumerate(strings):
        cells[0, i] = s
    return cells


def _splits(labels: Sequence[int]) -> Dict[str, List[tuple]]:
    """``(label, index)`` pairs of the training and test samples."""
    train = [(label, i) for label in labels for i in range(NUM_TRAIN)]
    test = [(label, NUM_TRAIN + i) for label in labels
            for i in range(NUM_TEST)]
    return dict(train=train, test=test)


def _rgb_rows(samples) -> np.ndarray:
    """CIFAR rows: the R, G and B planes of each 32x32 image."""
    images = np.stack([fixture_image(label, i) for label, i in samples])
    return images.transpose(0, 3, 1, 2).reshape(len(samples), -1)


def write_cifar10(root: str) -> None:
    """``cifar-10-batches-py``: five training batches and ``test_batch``."""
    folder = osp.join(root, 'cifar-10-batches-py')
    splits = _splits([0, 1, 2])
    # Spread the training images over the five batches, as the real set.
    for b in range(5):
        samples = splits['train'][b::5]
        _write_pickle(osp.join(folder, f'data_batch_{b + 1}'), dict(
            batch_label=f'training batch {b + 1} of 5',
            labels=[label for label, _ in samples],
            data=_rgb_rows(samples),
            filenames=[f'img_{label}_{i}.png' for label, i in samples]))
    samples = splits['test']
    _write_pickle(osp.join(folder, 'test_batch'), dict(
        batch_label='testing batch 1 of 1',
        labels=[label for label, _ in samples], data=_rgb_rows(samples),
        filenames=[f'img_{label}_{i}.png' for label, i in samples]))
    _write_pickle(osp.join(folder, 'batches.meta'), dict(
        num_cases_per_batch=len(splits['train']) // 5,
        label_names=['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog',
                     'frog', 'horse', 'ship', 'truck'],
        num_vis=3072))


def write_cifar100(root: str) -> None:
    """``cifar-100-python``: ``train``, ``test`` and ``meta``."""
    folder = osp.join(root, 'cifar-100-python')
    for split, samples in _splits([0, 1, 2]).items():
        _write_pickle(osp.join(folder, split), dict(
            filenames=[f'img_{label}_{i}.png' for label, i in samples],
            batch_label=f'{split} batch 1 of 1',
            fine_labels=[label for label, _ in samples],
            coarse_labels=[label // 5 for label, _ in samples],
            data=_rgb_rows(samples)))
    _write_pickle(osp.join(folder, 'meta'), dict(
        fine_label_names=[f'class_{i}' for i in range(100)],
        coarse_label_names=[f'superclass_{i}' for i in range(20)]))


def write_food101(root: str) -> None:
    """``images/<class>/<id>.jpg`` and ``meta/{train,test}.txt``."""
    classes = ('apple_pie', 'baby_back_ribs', 'baklava')
    for split, samples in _splits([0, 1, 2]).items():
        lines = []
        for label, i in samples:
            name = f'{classes[label]}/{100 + i}'
            _write_image(osp.join(root, 'images', name + '.jpg'), label, i)
            lines.append(name)
        _write_lines(osp.join(root, 'meta', f'{split}.txt'), lines)
    _write_lines(osp.join(root, 'meta', 'classes.txt'), classes)


def write_pets(root: str) -> None:
    """``images/<Breed>_<n>.jpg`` and ``annotations/{trainval,test}.txt``."""
    # Class ids 1, 2, 3; species 1 = cat, 2 = dog.
    breeds = (('Abyssinian', 1), ('american_bulldog', 2),
              ('american_pit_bull_terrier', 2))
    for split, samples in _splits([0, 1, 2]).items():
        lines = []
        for label, i in samples:
            breed, species = breeds[label]
            name = f'{breed}_{i + 1}'
            _write_image(osp.join(root, 'images', name + '.jpg'), label, i)
            lines.append(f'{name} {label + 1} {species} {label + 1}')
        name = 'trainval' if split == 'train' else 'test'
        _write_lines(osp.join(root, 'annotations', f'{name}.txt'), lines)


def write_flowers102(root: str) -> None:
    """``jpg/image_<nnnnn>.jpg``, ``imagelabels.mat`` and ``setid.mat``."""
    labels, ids = [], dict(train=[], test=[])
    for split, samples in _splits([0, 1, 2]).items():
        for label, i in samples:
            labels.append(label + 1)  # classes 1-102 in the .mat
            image_id = len(labels)
            _write_image(osp.join(root, 'jpg', f'image_{image_id:05d}.jpg'),
                         label, i)
            ids[split].append(image_id)
    # The official file stores the labels as uint8, the ids as uint16. The
    # official val set is a share of the training images here.
    _savemat(osp.join(root, 'imagelabels.mat'),
             dict(labels=_row(labels, np.uint8)))
    _savemat(osp.join(root, 'setid.mat'), dict(
        trnid=_row(ids['train'][0::2], np.uint16),
        valid=_row(ids['train'][1::2], np.uint16),
        tstid=_row(ids['test'], np.uint16)))


def write_sun397(root: str) -> None:
    """``SUN397/<letter>/<class>/...jpg`` and ``Partitions/*_01.txt``."""
    # One class two levels deep, as SUN397 has.
    folders = ('/a/abbey', '/a/airplane_cabin',
               '/a/apartment_building/outdoor')
    for split, samples in _splits([0, 1, 2]).items():
        lines = []
        for label, i in samples:
            name = f'{folders[label]}/sun_{label}{i:04d}.jpg'
            _write_image(osp.join(root, 'SUN397') + name, label, i)
            lines.append(name)
        name = 'Training_01' if split == 'train' else 'Testing_01'
        _write_lines(osp.join(root, 'Partitions', f'{name}.txt'), lines)
    _write_lines(osp.join(root, 'Partitions', 'ClassName.txt'), folders)


def _compact(value: int) -> np.ndarray:
    # MATLAB keeps each whole number in the smallest type that fits, one
    # choice per struct element: a box field is uint8 in one element and
    # uint16 in the next.
    return np.array([[value]], np.uint8 if value < 256 else np.uint16)


def _cars_annos(names, labels) -> dict:
    """The ``annotations`` struct array of the Stanford Cars devkit."""
    dtype = [('bbox_x1', 'O'), ('bbox_y1', 'O'), ('bbox_x2', 'O'),
             ('bbox_y2', 'O'), ('class', 'O'), ('fname', 'O')]
    annos = np.empty((1, len(names)), dtype=dtype)
    for k, (name, label) in enumerate(zip(names, labels)):
        x2 = 30 if k % 2 else 300
        annos[0, k] = (_compact(1), _compact(1), _compact(x2), _compact(30),
                       _compact(label + 1), name)
    return dict(annotations=annos)


def write_cars(root: str) -> None:
    """``cars_{train,test}/<nnnnn>.jpg`` and the devkit's ``.mat`` files."""
    ann_files = dict(train='cars_train_annos.mat',
                     test='cars_test_annos_withlabels.mat')
    for split, samples in _splits([0, 1, 2]).items():
        names = [f'{k + 1:05d}.jpg' for k in range(len(samples))]
        for name, (label, i) in zip(names, samples):
            _write_image(osp.join(root, f'cars_{split}', name), label, i)
        _savemat(osp.join(root, 'devkit', ann_files[split]),
                 _cars_annos(names, [label for label, _ in samples]))


def write_dtd(root: str) -> None:
    """``images/<class>/<class>_<nnnn>.jpg`` and ``imdb/imdb.mat``."""
    classes = ('banded', 'blotchy', 'braided')
    names, labels, sets = [], [], []
    for split, samples in _splits([0, 1, 2]).items():
        for k, (label, i) in enumerate(samples):
            name = f'{classes[label]}/{classes[label]}_{i + 1:04d}.jpg'
            _write_image(osp.join(root, 'images', name), label, i)
            names.append(name)
            labels.append(label + 1)
            # set: 1 train, 2 val, 3 test.
            sets.append(3 if split == 'test' else 1 + k % 2)
    # Integer class and set: mmpretrain uses them uncast as labels.
    images = dict(id=_row(range(1, len(names) + 1)), name=_cells(names),
                  set=_row(sets, np.uint8),
                  **{'class': _row(labels, np.uint8)})
    _savemat(osp.join(root, 'imdb', 'imdb.mat'), dict(images=images))


def write_caltech101(root: str) -> None:
    """``101_ObjectCategories/<class>/image_<nnnn>.jpg``, nothing else: the
    download has no split lists."""
    classes = {0: 'BACKGROUND_Google', 1: 'Faces', 3: 'Leopards'}
    for label, name in classes.items():
        # 31 images, the fewest a real class has (inline_skate): 30 for
        # training, one for test.
        for i in range(31):
            _write_image(osp.join(root, '101_ObjectCategories', name,
                                  f'image_{i + 1:04d}.jpg'), label, i, 16)


def write_aircraft(root: str) -> None:
    """``data/images/<id>.jpg`` and ``data/images_variant_*.txt``."""
    variants = ('707-320', '727-200', '737-200')
    for split, samples in _splits([0, 1, 2]).items():
        lines = []
        for label, i in samples:
            image_id = f'{1000000 + label * 100 + i}'
            _write_image(osp.join(root, 'data', 'images', image_id + '.jpg'),
                         label, i)
            lines.append(f'{image_id} {variants[label]}')
        name = 'trainval' if split == 'train' else 'test'
        _write_lines(osp.join(root, 'data', f'images_variant_{name}.txt'),
                     lines)
    _write_lines(osp.join(root, 'data', 'variants.txt'), variants)


def write_svhn(root: str) -> None:
    """``train_32x32.mat`` and ``test_32x32.mat`` (X, y; 10 is digit 0)."""
    for split, samples in _splits([0, 1, 2]).items():
        images = np.stack([fixture_image(label, i) for label, i in samples])
        digits = np.array([label if label else 10 for label, _ in samples],
                          np.uint8).reshape(-1, 1)
        _savemat(osp.join(root, f'{split}_32x32.mat'),
                 dict(X=images.transpose(1, 2, 3, 0), y=digits))


def _write_class_folders(folder: str, classes: Sequence[str]) -> None:
    # Six images per class, which the 80/20 split turns into 5 + 1.
    for label, name in enumerate(classes):
        for i in range(NUM_TRAIN + NUM_TEST):
            _write_image(osp.join(folder, name, f'{name}_{i + 1}.jpg'),
                         label, i)


def write_eurosat(root: str) -> None:
    """``EuroSAT_RGB/<class>/<class>_<n>.jpg``."""
    _write_class_folders(osp.join(root, 'EuroSAT_RGB'),
                         ('AnnualCrop', 'Forest', 'HerbaceousVegetation'))


def write_resisc45(root: str) -> None:
    """``NWPU-RESISC45/<class>/<class>_<nnn>.jpg``."""
    _write_class_folders(osp.join(root, 'NWPU-RESISC45'),
                         ('airplane', 'airport', 'baseball_diamond'))


def _write_csv(path: str, header: Sequence[str], rows, delimiter=',') -> None:
    # csv's default line end is CRLF, as in the GTSRB files.
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w', newline='') as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)


def write_retinopathy(root: str) -> None:
    """``trainLabels.csv``, ``retinopathy_solution.csv``, ``train/``,
    ``test/``."""
    levels = (0, 2, 4)
    splits = _splits([0, 1, 2])
    rows = []
    for label, i in splits['train']:
        name = f'{10 + label * 10 + i}_{"left" if i % 2 else "right"}'
        _write_image(osp.join(root, 'train', name + '.jpeg'), label, i)
        rows.append((name, levels[label]))
    _write_csv(osp.join(root, 'trainLabels.csv'), ('image', 'level'), rows)
    rows = []
    for k, (label, i) in enumerate(splits['test'] * 2):
        name = f'{100 + k}_left'
        _write_image(osp.join(root, 'test', name + '.jpeg'), label, i + k)
        # Half Public (val), half Private (test), each with every class.
        rows.append((name, levels[label],
                     'Public' if k < len(splits['test']) else 'Private'))
    _write_csv(osp.join(root, 'retinopathy_solution.csv'),
               ('image', 'level', 'Usage'), rows)


def write_fer2013(root: str) -> None:
    """``fer2013.csv``: emotion, 48*48 gray pixels, Usage."""
    rows = []
    for split, samples in _splits([0, 3, 6]).items():
        usages = ('Training', ) if split == 'train' else ('PublicTest',
                                                          'PrivateTest')
        for usage in usages:
            for label, i in samples:
                gray = fixture_image(label, i, 48).mean(axis=2)
                gray = gray.astype(np.uint8)
                rows.append((label, ' '.join(map(str, gray.reshape(-1))),
                             usage))
    _write_csv(osp.join(root, 'fer2013.csv'), ('emotion', 'pixels', 'Usage'),
               rows)


def _write_frames(folder: str, label: int, index: int,
                  num: int = 3) -> None:
    for t in range(num):
        _write_image(osp.join(folder, f'{t + 1:05d}.jpg'), label,
                     index * 10 + t)


def write_ucf101(root: str) -> None:
    """``frames/<video>/<frame>.jpg`` and ``ucfTrainTestlist/``."""
    classes = ('ApplyEyeMakeup', 'ApplyLipstick', 'Archery')
    lists = osp.join(root, 'ucfTrainTestlist')
    _write_lines(osp.join(lists, 'classInd.txt'),
                 [f'{k + 1} {name}' for k, name in enumerate(classes)],
                 '\r\n')
    for split, samples in _splits([0, 1, 2]).items():
        lines = []
        for label, i in samples:
            video = f'v_{classes[label]}_g{i + 1:02d}_c01'
            _write_frames(osp.join(root, 'frames', video), label, i)
            entry = f'{classes[label]}/{video}.avi'
            # The test lists carry no label.
            lines.append(f'{entry} {label + 1}' if split == 'train' else
                         entry)
        # The official lists end their lines with CRLF.
        _write_lines(osp.join(lists, f'{split}list01.txt'), lines, '\r\n')


def write_gtsrb(root: str) -> None:
    """``GTSRB/Final_Training``, ``GTSRB/Final_Test`` (PPM) and
    ``GT-final_test.csv``."""
    header = ('Filename', 'Width', 'Height', 'Roi.X1', 'Roi.Y1', 'Roi.X2',
              'Roi.Y2', 'ClassId')
    splits = _splits([0, 1, 2])
    for label in (0, 1, 2):
        folder = osp.join(root, 'GTSRB', 'Final_Training', 'Images',
                          f'{label:05d}')
        rows = []
        for _, i in (s for s in splits['train'] if s[0] == label):
            name = f'00000_{i:05d}.ppm'
            _write_image(osp.join(folder, name), label, i)
            rows.append((name, 32, 32, 5, 5, 27, 27, label))
        _write_csv(osp.join(folder, f'GT-{label:05d}.csv'), header, rows,
                   delimiter=';')
    rows = []
    for k, (label, i) in enumerate(splits['test']):
        name = f'{k:05d}.ppm'
        _write_image(osp.join(root, 'GTSRB', 'Final_Test', 'Images', name),
                     label, i)
        rows.append((name, 32, 32, 5, 5, 27, 27, label))
    _write_csv(osp.join(root, 'GT-final_test.csv'), header, rows,
               delimiter=';')


def write_pcam(root: str) -> None:
    """``camelyonpatch_level_2_split_{train,valid,test}_{x,y}.h5``."""
    import h5py
    splits = _splits([0, 1])
    splits['valid'] = splits['test']
    os.makedirs(root, exist_ok=True)
    for split, samples in splits.items():
        name = osp.join(root, f'camelyonpatch_level_2_split_{split}_{{}}.h5')
        with h5py.File(name.format('x'), 'w') as f:
            f.create_dataset('x', data=np.stack(
                [fixture_image(label, i, 96) for label, i in samples]))
        with h5py.File(name.format('y'), 'w') as f:
            f.create_dataset('y', data=np.array(
                [label for label, _ in samples], np.uint8).reshape(
                    -1, 1, 1, 1))


def write_imagenet(root: str) -> None:
    """``train/<wnid>/``, flat ``val/`` and ``meta/{train,val}.txt``."""
    wnids = ('n01440764', 'n01443537', 'n01484850')
    splits = _splits([0, 1, 2])
    lines = []
    for label, i in splits['train']:
        name = f'{wnids[label]}/{wnids[label]}_{i + 1}.JPEG'
        _write_image(osp.join(root, 'train', name), label, i)
        lines.append(f'{name} {label}')
    _write_lines(osp.join(root, 'meta', 'train.txt'), lines)
    lines = []
    for k, (label, i) in enumerate(splits['test']):
        name = f'ILSVRC2012_val_{k + 1:08d}.JPEG'
        _write_image(osp.join(root, 'val', name), label, i)
        lines.append(f'{name} {label}')
    _write_lines(osp.join(root, 'meta', 'val.txt'), lines)


def write_kinetics700(root: str) -> None:
    """``frames/{train,val}/<class>/<video>/<frame>.jpg``."""
    classes = ('abseiling', 'acting in play', 'adjusting glasses')
    for split, samples in _splits([0, 1, 2]).items():
        folder = osp.join(root, 'frames', 'train' if split == 'train' else
                          'val')
        for label, i in samples:
            video = f'vid{label}{i:03d}_000010_000020'
            _write_frames(osp.join(folder, classes[label], video), label, i)


FIXTURES: Dict[str, Callable[[str], None]] = dict(
    cifar10=write_cifar10, cifar100=write_cifar100, food101=write_food101,
    pets=write_pets, flowers102=write_flowers102, sun397=write_sun397,
    cars=write_cars, dtd=write_dtd, caltech101=write_caltech101,
    aircraft=write_aircraft, svhn=write_svhn, eurosat=write_eurosat,
    resisc45=write_resisc45, retinopathy=write_retinopathy,
    fer2013=write_fer2013, ucf101=write_ucf101, gtsrb=write_gtsrb,
    pcam=write_pcam, imagenet=write_imagenet, kinetics700=write_kinetics700)


def write_fixture(gvb_root: str, key: str) -> str:
    """Write the fixture of dataset ``key`` into ``gvb_root/<key>``.

    Args:
        gvb_root (str): The GV-B data root (``$GVB_DATA_ROOT``).
        key (str): The dataset's GV-B key, e.g. ``'cifar10'``.

    Returns:
        str: The dataset folder.
    """
    if key not in FIXTURES:
        raise KeyError(f'no fixture for {key!r}; there are {sorted(FIXTURES)}')
    root = osp.join(gvb_root, key)
    FIXTURES[key](root)
    return root
