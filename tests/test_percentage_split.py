"""GV-B percentage splits: hand-computed counts, determinism, real data."""
import copy
import importlib.util
import math
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.dataset import BaseDataset

from _utils import REPO, SHARED_DATA, needs_data
from mmintern.datasets.percentage_dataset import PercentageDataset
from mmintern.datasets.percentage_split import (class_order,
                                                class_proportional_split,
                                                image_split, read_split_file,
                                                split_by_class,
                                                split_statistics,
                                                write_split_file)

CIFAR = osp.join(SHARED_DATA, 'cifar10', 'test')
VOC = osp.join(SHARED_DATA, 'raccoon_voc', 'VOCdevkit')
CAMVID = osp.join(SHARED_DATA, 'camvid_seg', 'CamVid')


class ListDataset(BaseDataset):
    """A dataset over given data infos, for wrapper tests without files."""

    def __init__(self, infos, **kwargs):
        self._infos = infos
        super().__init__(pipeline=[], serialize_data=False, **kwargs)

    def load_data_list(self):
        return copy.deepcopy(self._infos)


def counts(labels, chosen):
    return np.bincount(np.asarray(labels)[chosen]).tolist()


# class_proportional_split


def test_class_counts_keep_the_long_tail():
    labels = [0] * 100 + [1] * 10 + [2] * 1
    chosen = class_proportional_split(labels, 10)
    assert counts(labels, chosen) == [10, 1, 1]
    assert chosen == sorted(chosen)


def test_counts_round_half_up():
    # 25% of 6 is 1.5: floor(1.5 + 0.5) = 2 (Python's round gives 2 too).
    assert len(class_proportional_split([0] * 6, 25)) == 2
    # 25% of 10 is 2.5: floor(3.0) = 3, where round(2.5) would give 2.
    assert round(2.5) == 2
    assert len(class_proportional_split([0] * 10, 25)) == 3
    # 10% of 5 is 0.5, still one sample.
    assert len(class_proportional_split([0] * 5, 10)) == 1
    assert class_proportional_split([3, 1, 2], 100) == [0, 1, 2]


def test_class_choice_independent_of_other_classes():
    first = class_proportional_split([0] * 50 + [1] * 50, 20, seed=3)
    swapped = class_proportional_split([1] * 50 + [0] * 50, 20, seed=3)
    # Class 1 picks the same positions among its own samples either way.
    assert [i - 50 for i in first if i >= 50] == \
        [i for i in swapped if i < 50]
    # A new class changes nothing for the others.
    more = class_proportional_split([0] * 50 + [1] * 50 + [7] * 30, 20,
                                    seed=3)
    assert [i for i in more if i < 100] == first
    # Class c keeps the first of its default_rng([seed, c]) permutation.
    expected = 50 + np.random.default_rng([3, 1]).permutation(50)[:10]
    assert [i for i in first if i >= 50] == sorted(expected.tolist())


def test_split_by_class_is_the_one_per_class_split():
    from mmintern.gvb.datasets.base import per_class_split
    from mmintern.engine.linear_probe import stratified_split
    labels = [0] * 7 + [1] * 2 + [2] * 1 + [1] * 4
    first, rest = split_by_class(labels, 0.5, seed=4, both_sides=True)
    assert sorted(first + rest) == list(range(len(labels)))
    # 7 -> floor(3.5 + 0.5) = 4, 6 -> 3, 1 -> 1 (a lone sample stays first).
    counts = [sum(labels[i] == c for i in first) for c in range(3)]
    assert counts == [4, 3, 1]
    # Without both_sides a share rounding to the whole class takes it all.
    assert split_by_class([5, 5], 0.9)[1] == []
    assert split_by_class([5, 5], 0.9, both_sides=True)[1] != []
    # A larger share of a class holds the smaller one (prefixes of one order).
    small = set(split_by_class(labels, 0.3, seed=4)[0])
    assert small <= set(split_by_class(labels, 0.6, seed=4)[0])
    # The class's part is the start of class_order(n, seed, class_id).
    members = [i for i, c in enumerate(labels) if c == 1]
    order = class_order(len(members), 4, 1)
    assert sorted(i for i in first if labels[i] == 1) == sorted(
        members[j] for j in order[:3])
    # The linear probe's hold-out and GV-B's own splits are this split.
    fit, val = stratified_split(torch.tensor(labels), 3, 0.5, seed=4)
    assert fit.tolist() == first and val.tolist() == rest
    files = {c: [f'{c}_{i}.jpg' for i in range(labels.count(c))]
             for c in range(3)}
    train = per_class_split(files, 'train', 0.5, seed=4)
    flat = [(f, c) for c in range(3) for f in files[c]]
    first_flat, _ = split_by_class([c for _, c in flat], 0.5, 4, True)
    assert train == [flat[i] for i in first_flat]
    with pytest.raises(ValueError, match='fraction'):
        split_by_class([0], 0)
    # A count instead of a share: 3 of each class (all but one of a class
    # of 2 with both_sides), again a prefix of the class's order.
    first3, _ = split_by_class(labels, None, seed=4, both_sides=True,
                               count=3)
    assert [sum(labels[i] == c for i in first3) for c in range(3)] == \
        [3, 3, 1]
    assert sorted(i for i in first3 if labels[i] == 1) == sorted(
        members[j] for j in order[:3])
    with pytest.raises(ValueError, match='one of fraction and count'):
        split_by_class(labels, 0.5, count=3)


def test_same_seed_same_split_other_seed_other_split(tmp_path):
    labels = [i % 4 for i in range(400)]
    a = class_proportional_split(labels, 10, seed=0)
    assert a == class_proportional_split(labels, 10, seed=0)
    assert a != class_proportional_split(labels, 10, seed=1)
    names = [f'class_{labels[i]}/{i:04d}.jpg' for i in a]
    write_split_file(str(tmp_path / 'a.txt'), names)
    write_split_file(str(tmp_path / 'b' / 'b.txt'), names[::-1])
    data = (tmp_path / 'a.txt').read_bytes()
    assert data == (tmp_path / 'b' / 'b.txt').read_bytes()
    assert data.endswith(b'\n') and b'\r' not in data
    assert data.decode('utf-8').split('\n')[:-1] == sorted(names)
    assert read_split_file(str(tmp_path / 'a.txt')) == sorted(names)


def test_split_file_utf8_and_rejects_bad_names(tmp_path):
    path = str(tmp_path / 'split.txt')
    write_split_file(path, ['zebra/ü.png', 'ähre/1.png', 'a/b.png'])
    assert open(path, 'rb').read() == \
        'a/b.png\nzebra/ü.png\nähre/1.png\n'.encode('utf-8')
    with pytest.raises(ValueError, match='twice'):
        write_split_file(path, ['a.png', 'a.png'])
    with pytest.raises(ValueError, match='one line'):
        write_split_file(path, ['a\nb.png'])


@pytest.mark.parametrize('percentage', [0, -5, 100.5, float('nan'), True,
                                        '10'])
def test_bad_percentage(percentage):
    with pytest.raises(ValueError, match=r'\(0, 100\]') as error:
        class_proportional_split([0, 1], percentage)
    assert repr(percentage) in str(error.value) or \
        str(percentage) in str(error.value)
    with pytest.raises(ValueError, match=r'\(0, 100\]'):
        image_split([{0}], percentage)


def test_bad_seed_and_class_id():
    with pytest.raises(ValueError, match='-1'):
        class_proportional_split([0], 10, seed=-1)
    with pytest.raises(ValueError, match='-2'):
        image_split([{0, -2}], 10)


# image_split


def test_image_split_covers_rare_classes():
    # 20 images all holding class 0; class 1 only in image 3, class 2 in
    # images 7 and 11. 10% of 20 = 2 images: exactly the coverage.
    images = [{0} for _ in range(20)]
    images[3].add(1)
    images[7].add(2)
    images[11].add(2)
    chosen = image_split(images, 10, seed=5)
    assert len(chosen) == 2 and chosen[0] == 3 and chosen[1] in (7, 11)
    stats = split_statistics(images, chosen)
    assert stats['per_class'] == [2, 1, 1] and stats['min'] == 1


def test_image_split_rarest_class_first():
    # Class 1 is only in image 0, which also holds class 0: going rarest
    # first, image 0 covers both and the target of 1 image holds.
    images = [{0, 1}] + [{0} for _ in range(9)]
    for seed in range(5):
        assert image_split(images, 10, seed=seed) == [0]


def test_image_split_keeps_coverage_over_target():
    # Ten classes, one image each: covering them takes all ten images,
    # more than the target of 1.
    images = [{c} for c in range(10)]
    assert image_split(images, 10) == list(range(10))


def test_image_split_fill_and_images_without_classes():
    # Depth: no classes at all. 10% of 25 = 2.5 -> 3 images.
    images = [set() for _ in range(25)]
    chosen = image_split(images, 10, seed=2)
    assert len(chosen) == 3 and chosen == sorted(chosen)
    assert chosen == image_split(images, 10, seed=2)
    assert len(image_split(images, 1)) == 1
    # The fill draws from its own stream: here from all 25 images.
    expected = np.random.default_rng([2, 2**32 - 1]).choice(
        np.arange(25), 3, replace=False)
    assert chosen == sorted(expected.tolist())
    other = [image_split(images, 10, seed=s) for s in range(4)]
    assert len({tuple(c) for c in other}) > 1


# split_statistics


def test_split_statistics_single_label():
    stats = split_statistics([0, 0, 0, 1, 1, 2], [0, 1, 3])
    assert stats == dict(per_class=[2, 1, 0], avg=1.0, min=0, max=2,
                         num_classes=3, num_samples=3)
    stats = split_statistics([0, 0, 0, 1, 1, 2], [0, 1, 3], num_classes=4)
    assert stats['per_class'] == [2, 1, 0, 0] and stats['avg'] == 0.75


def test_split_statistics_image_sets():
    stats = split_statistics([[0, 1], [1], []], [0, 1, 2])
    assert stats['per_class'] == [1, 2]
    assert (stats['avg'], stats['min'], stats['max']) == (1.5, 1, 2)
    assert stats['num_samples'] == 3
    depth = split_statistics([[], []], [1])
    assert depth['num_classes'] == 0 and depth['avg'] is None


# PercentageDataset, errors and label reading


def small_dataset(num=10):
    infos = [dict(img_path=f'/data/root/img/{i:02d}.jpg', gt_label=i % 2)
             for i in range(num)]
    return ListDataset(infos, data_root='/data/root',
                       metainfo=dict(classes=('a', 'b')))


def test_wrapper_argument_errors(tmp_path):
    with pytest.raises(ValueError, match='classification.*depth') as error:
        PercentageDataset(small_dataset(), percentage=10, task='keypoints')
    assert "'keypoints'" in str(error.value)
    with pytest.raises(ValueError, match='exactly one'):
        PercentageDataset(small_dataset())
    with pytest.raises(ValueError, match='exactly one'):
        PercentageDataset(small_dataset(), percentage=10,
                          split_file=str(tmp_path / 'x.txt'))
    with pytest.raises(ValueError, match='150'):
        PercentageDataset(small_dataset(), percentage=150)


def test_wrapper_missing_listed_name(tmp_path):
    path = str(tmp_path / 'split.txt')
    write_split_file(path, ['img/03.jpg', 'img/99.jpg'])
    with pytest.raises(ValueError) as error:
        PercentageDataset(small_dataset(), split_file=path)
    assert "'img/99.jpg'" in str(error.value) and path in str(error.value)


def test_wrapper_lazy_init_and_registry():
    from mmengine.registry import DATASETS as ROOT_DATASETS

    from mmintern.registry import DATASETS
    assert ROOT_DATASETS.get('PercentageDataset') is PercentageDataset
    assert DATASETS.get('PercentageDataset') is PercentageDataset
    split = ROOT_DATASETS.build(
        dict(type='PercentageDataset', dataset=small_dataset(),
             percentage=50, lazy_init=True))
    assert not split._fully_initialized
    # Five samples per class, 50% each: floor(2.5 + 0.5) = 3.
    assert len(split) == 6 and split._fully_initialized
    assert split.statistics()['per_class'] == [3, 3]
    assert split.split_names() == [
        f'img/{i:02d}.jpg' for i in split.indices]
    assert split.metainfo['classes'] == ('a', 'b')
    assert split[0]['img_path'] == \
        split.dataset.get_data_info(split.indices[0])['img_path']


def test_wrapper_detection_skips_ignored_instances():
    infos = [
        dict(img_path=f'/r/{i}.jpg', instances=[dict(bbox_label=0,
                                                     ignore_flag=0)])
        for i in range(10)
    ]
    # Class 1's only box is ignored; class 2 is real, in image 4.
    infos[2]['instances'].append(dict(bbox_label=1, ignore_flag=1))
    infos[4]['instances'].append(dict(bbox_label=2, ignore_flag=0))
    split = PercentageDataset(ListDataset(infos), percentage=10,
                              task='detection')
    assert split.sample_classes()[2] == [0]
    assert split.indices == [4]
    # Without a data root the name is the basename.
    assert split.split_names() == ['4.jpg']


def test_wrapper_segmentation_label_maps(tmp_path):
    infos = []
    for i, values in enumerate([(0, 1, 3, 255), (0, 2), (0, )]):
        seg = np.zeros((4, 4), np.uint8)
        seg.flat[:len(values)] = values
        path = str(tmp_path / f'{i}.png')
        cv2.imwrite(path, seg)
        infos.append(dict(img_path=str(tmp_path / f'{i}.jpg'),
                          seg_map_path=path))
    dataset = ListDataset(infos)
    plain = PercentageDataset(dataset, percentage=100, task='segmentation')
    assert plain.sample_classes() == [[0, 1, 3], [0, 2], [0]]
    # As mmseg reduces zero labels: 0 is ignored, v becomes v - 1.
    dataset.reduce_zero_label = True
    reduced = PercentageDataset(dataset, percentage=100, task='segmentation')
    assert reduced.sample_classes() == [[0, 2], [1], []]
    depth = PercentageDataset(dataset, percentage=50, task='depth')
    assert depth.sample_classes() == [[], [], []]
    assert len(depth) == 2  # floor(1.5 + 0.5)


# PercentageDataset on real data


@pytest.fixture(scope='module')
def cifar():
    from mmengine.registry import DATASETS
    return DATASETS.build(
        dict(type='mmpretrain.CustomDataset', data_root=CIFAR, pipeline=[]))


@needs_data('cifar10', 'test')
def test_cifar_ten_percent(cifar, tmp_path):
    split = PercentageDataset(cifar, percentage=10, seed=0)
    assert len(cifar) == 2000 and len(split) == 200
    assert split.indices == sorted(split.indices)
    stats = split.statistics()
    assert stats['per_class'] == [20] * 10
    assert (stats['avg'], stats['min'], stats['max']) == (20.0, 20, 20)
    names = split.split_names()
    assert all(name.count('/') == 1 and not name.startswith('/')
               for name in names)
    assert split.get_data_info(0)['img_path'] == \
        osp.join(CIFAR, names[0])

    path = str(tmp_path / 'cifar10_10pct.txt')
    write_split_file(path, names)
    again = PercentageDataset(cifar, split_file=path)
    assert again.indices == split.indices
    assert again.split_names() == names
    write_split_file(str(tmp_path / 'again.txt'), again.split_names())
    assert open(path, 'rb').read() == \
        open(str(tmp_path / 'again.txt'), 'rb').read()
    other = PercentageDataset(cifar, percentage=10, seed=1)
    assert other.indices != split.indices
    assert other.statistics()['per_class'] == [20] * 10


@needs_data('raccoon_voc', 'VOCdevkit')
def test_voc_detection_keeps_every_class():
    import mmdet.datasets  # noqa: F401
    from mmengine.registry import DATASETS
    voc = DATASETS.build(
        dict(type='mmdet.VOCDataset', data_root=VOC + '/',
             ann_file='VOC_raccoon/ImageSets/Main/train.txt',
             data_prefix=dict(sub_data_root='VOC_raccoon/'),
             metainfo=dict(classes=('raccoon', )), pipeline=[]))
    split = PercentageDataset(voc, percentage=10, task='detection')
    assert len(voc) == 160 and len(split) == 16
    stats = split.statistics()
    assert stats['num_classes'] == 1 and stats['min'] >= 1
    assert all(
        name.startswith('VOC_raccoon/JPEGImages/raccoon-')
        for name in split.split_names())


@needs_data('camvid_seg', 'CamVid')
def test_camvid_segmentation_keeps_every_class():
    import mmseg.datasets  # noqa: F401
    from mmengine.registry import DATASETS
    camvid = DATASETS.build(
        dict(type='mmseg.BaseSegDataset', data_root=CAMVID,
             data_prefix=dict(img_path='val', seg_map_path='valannot'),
             img_suffix='.png', seg_map_suffix='.png',
             metainfo=dict(classes=tuple(f'c{i}' for i in range(12))),
             pipeline=[]))
    assert len(camvid) == 101
    split = PercentageDataset(camvid, percentage=10, task='segmentation')
    stats = split.statistics()
    # A target of floor(10.1 + 0.5) = 10 images; the 12 label values (11
    # classes and Unlabelled) are all present in val, so all are kept.
    assert len(split) >= 10 and stats['min'] >= 1
    assert stats['num_classes'] == 12


# The tool and the import boundary


@needs_data('cifar10', 'test')
def test_make_gvb_splits_tool(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location(
        'make_gvb_splits',
        osp.join(REPO, 'tools', 'dataset_converters', 'make_gvb_splits.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    config = tmp_path / 'cifar.py'
    config.write_text(
        "default_scope = 'mmpretrain'\n"
        'train_dataloader = dict(dataset=dict(type="PercentageDataset", '
        'split_file="old.txt", dataset=dict(type="CustomDataset", '
        'data_root="nowhere", pipeline=[])))\n')
    out = str(tmp_path / 'splits' / 'cifar.txt')
    tool.main([
        str(config), '--percentage', '10', '--seed', '0', '--out', out,
        '--cfg-options',
        f'train_dataloader.dataset.dataset.data_root={CIFAR}'
    ])
    printed = capsys.readouterr().out
    assert '| CustomDataset | 10 | 2000 | 200 | 20.0 | 20 | 20 |' in printed
    names = read_split_file(out)
    assert len(names) == 200 and names == sorted(names)


def test_round_half_up_matches_formula():
    for count in range(1, 60):
        for percentage in (1, 10, 25, 50, 100):
            expected = max(1, math.floor(count * percentage / 100 + 0.5))
            assert len(class_proportional_split([0] * count,
                                                percentage)) == expected
