"""Tiny GV-B detection / segmentation / depth datasets in their real layouts.

Each writer puts one dataset under ``<root>/<gvb name>/`` exactly as the
config of that name expects it (see the header of
``configs/gvb/<task>/<name>.py``): a few small noise images with drawn
objects, and annotations in the official formats. Deterministic for a seed.
"""
import json
import os
import os.path as osp
from typing import Dict, List, Sequence, Tuple

import cv2
import numpy as np

from mmintern.gvb.datasets.citypersons import MAT_LABELS

VOC_FIXTURE_CLASSES = ('cat', 'dog', 'person')


def _image(rng: np.random.Generator, height: int, width: int,
           boxes: Sequence[Sequence[float]] = ()) -> np.ndarray:
    image = rng.integers(0, 90, (height, width, 3), dtype=np.uint8)
    for x1, y1, x2, y2 in boxes:
        color = tuple(int(c) for c in rng.integers(120, 255, 3))
        cv2.rectangle(image, (int(x1), int(y1)), (int(x2) - 1, int(y2) - 1),
                      color, -1)
    return image


def _write(path: str, image: np.ndarray) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    if not cv2.imwrite(path, image):
        raise OSError(f'cannot write {path}')


def compact_ints(values) -> np.ndarray:
    """Whole numbers as the official ``.mat`` files hold them: MATLAB saves
    them in the smallest unsigned type that fits (uint8, else uint16), one
    choice per array, so two cells of one file can differ in type."""
    values = np.asarray(values)
    return values.astype(np.uint8 if values.size == 0 or values.max() < 256
                         else np.uint16)


def _write_text(path: str, lines: Sequence[str]) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(''.join(f'{line}\n' for line in lines))


# Detection ----------------------------------------------------------------


def _voc_xml(name: str, width: int, height: int,
             objects: Sequence[Tuple[str, Sequence[int]]]) -> str:
    parts = [
        '<annotation>', f'  <filename>{name}.jpg</filename>',
        f'  <size><width>{width}</width><height>{height}</height>'
        '<depth>3</depth></size>'
    ]
    for label, (x1, y1, x2, y2) in objects:
        parts += [
            '  <object>', f'    <name>{label}</name>',
            '    <difficult>0</difficult>',
            f'    <bndbox><xmin>{x1}</xmin><ymin>{y1}</ymin>'
            f'<xmax>{x2}</xmax><ymax>{y2}</ymax></bndbox>', '  </object>'
        ]
    return '\n'.join(parts + ['</annotation>']) + '\n'


def write_voc_split(year_root: str, split: str, names: Sequence[str],
                    rng: np.random.Generator, width: int = 128,
                    height: int = 96,
                    classes: Sequence[str] = VOC_FIXTURE_CLASSES) -> None:
    """VOC detection images of one split: JPEGImages, Annotations, list."""
    for index, name in enumerate(names):
        objects = []
        for k in range(2):
            label = classes[(index + k) % len(classes)]
            x1 = int(rng.integers(4, width // 2 - 8))
            y1 = int(rng.integers(4, height // 2 - 8))
            objects.append((label, (x1, y1, x1 + int(rng.integers(
                24, width // 2)), y1 + int(rng.integers(24, height // 2)))))
        _write(osp.join(year_root, 'JPEGImages', f'{name}.jpg'),
               _image(rng, height, width, [box for _, box in objects]))
        os.makedirs(osp.join(year_root, 'Annotations'), exist_ok=True)
        with open(osp.join(year_root, 'Annotations', f'{name}.xml'),
                  'w') as f:
            f.write(_voc_xml(name, width, height, objects))
    _write_text(osp.join(year_root, 'ImageSets', 'Main', f'{split}.txt'),
                names)


def write_voc0712(root: str, seed: int = 0) -> str:
    """``voc0712/VOCdevkit/VOC{2007,2012}``: 4 + 4 trainval, 2 test."""
    rng = np.random.default_rng(seed)
    devkit = osp.join(root, 'voc0712', 'VOCdevkit')
    write_voc_split(osp.join(devkit, 'VOC2007'), 'trainval',
                    [f'0000{i:02d}' for i in range(4)], rng)
    write_voc_split(osp.join(devkit, 'VOC2007'), 'test',
                    [f'0001{i:02d}' for i in range(2)], rng)
    write_voc_split(osp.join(devkit, 'VOC2012'), 'trainval',
                    [f'2008_0000{i:02d}' for i in range(4)], rng)
    return devkit


def _wider_faces(rng: np.random.Generator, count: int, width: int,
                 height: int) -> List[List[int]]:
    faces = []
    for k in range(count):
        w = int(rng.integers(16, 32))
        h = int(rng.integers(16, 32))
        x = int(rng.integers(0, width - w))
        y = int(rng.integers(0, height - h))
        # x y w h blur expression illumination invalid occlusion pose
        faces.append([x, y, w, h, k % 3, 0, 0, 0, k % 2, 0])
    return faces


def wider_face_gt_lines(images: Sequence[Tuple[str, Sequence[Sequence[int]]]]
                        ) -> List[str]:
    """The lines of a ``wider_face_*_bbx_gt.txt`` for ``(path, faces)``."""
    lines = []
    for path, faces in images:
        lines += [path, str(len(faces))]
        # The official files put one all-zero line under a zero count.
        rows = faces if len(faces) else [[0] * 10]
        lines += [' '.join(str(v) for v in face) for face in rows]
    return lines


def write_wider_keep_mats(folder: str, keep: Dict[str, Dict[str, List[int]]]
                          ) -> None:
    """``wider_<setting>_val.mat`` as the official tools lay them out.

    Args:
        folder (str): Where to write them.
        keep (dict): Setting to ``{'<event>/<name>': [1-based indices]}``.
    """
    from scipy.io import savemat
    for setting, images in keep.items():
        events = sorted({key.split('/')[0] for key in images})
        event_list = np.empty((len(events), 1), dtype=object)
        file_list = np.empty((len(events), 1), dtype=object)
        gt_list = np.empty((len(events), 1), dtype=object)
        for i, event in enumerate(events):
            names = sorted(k.split('/')[1] for k in images
                           if k.split('/')[0] == event)
            files = np.empty((len(names), 1), dtype=object)
            gts = np.empty((len(names), 1), dtype=object)
            for j, name in enumerate(names):
                files[j, 0] = name
                gts[j, 0] = compact_ints(images[f'{event}/{name}']).reshape(
                    -1, 1)
            event_list[i, 0] = event
            file_list[i, 0] = files
            gt_list[i, 0] = gts
        os.makedirs(folder, exist_ok=True)
        savemat(osp.join(folder, f'wider_{setting}_val.mat'),
                dict(event_list=event_list, file_list=file_list,
                     gt_list=gt_list), do_compression=True)


def write_wider_face(root: str, seed: int = 0) -> str:
    """``wider_face/``: 4 train images, 2 val images with keep lists."""
    rng = np.random.default_rng(seed)
    base = osp.join(root, 'wider_face')
    width, height = 128, 96
    split_dir = osp.join(base, 'wider_face_split')
    for split, count in (('train', 4), ('val', 2)):
        images = []
        for i in range(count):
            event = '0--Parade' if i % 2 == 0 else '1--Handshaking'
            path = f'{event}/{event.split("--")[0]}_{split}_{i}.jpg'
            faces = _wider_faces(rng, 3 - i % 2, width, height)
            images.append((path, faces))
            _write(osp.join(base, f'WIDER_{split}', 'images', path),
                   _image(rng, height, width,
                          [(x, y, x + w, y + h)
                           for x, y, w, h, *_ in faces]))
        _write_text(
            osp.join(split_dir, f'wider_face_{split}_bbx_gt.txt'),
            wider_face_gt_lines(images))
    keys = [osp.splitext(p)[0] for p, _ in images]
    write_wider_keep_mats(
        split_dir,
        dict(easy={keys[0]: [1], keys[1]: []},
             medium={keys[0]: [1, 2], keys[1]: [1]},
             hard={keys[0]: [1, 2, 3], keys[1]: [1, 2]}))
    return base


def citypersons_objects(rng: np.random.Generator, width: int,
                        height: int) -> List[dict]:
    """Pedestrians (one fully visible, one half occluded) + ignore labels."""
    objects = []
    for visible in (1.0, 0.45):
        h = int(rng.integers(56, height - 8))
        w = h // 2
        x = int(rng.integers(0, width - w))
        y = int(rng.integers(0, height - h))
        objects.append(
            dict(label='pedestrian', bbox=[x, y, w, h],
                 bboxVis=[x, y, w, int(round(h * visible))]))
    objects.append(dict(label='rider', bbox=[4, 4, 20, 40],
                        bboxVis=[4, 4, 20, 40]))
    objects.append(dict(label='ignore', bbox=[100, 4, 30, 30],
                        bboxVis=[0, 0, 0, 0]))
    return objects


def _write_anno_mat(path: str, split: str, images: List[tuple]) -> None:
    """The authors' ``anno_<split>.mat``: a 1 x N cell of 1 x 1 structs."""
    from scipy.io import savemat
    class_label = {label: k for k, label in MAT_LABELS.items()}
    cells = np.empty((1, len(images)), dtype=object)
    for i, (city, im_name, objects) in enumerate(images):
        record = np.empty((1, 1), dtype=[('cityname', 'O'), ('im_name', 'O'),
                                         ('bbs', 'O')])
        rows = [[class_label[o['label']], *o['bbox'], k + 1, *o['bboxVis']]
                for k, o in enumerate(objects)]
        record[0, 0] = (city, im_name, compact_ints(rows).reshape(-1, 10))
        cells[0, i] = record
    os.makedirs(osp.dirname(path), exist_ok=True)
    savemat(path, {f'anno_{split}_aligned': cells}, do_compression=True)


def write_citypersons(root: str, seed: int = 0) -> str:
    """``citypersons/``: 3 train and 2 val images in 2 cities, with the
    boxes both as Cityscapes' json files and as the authors' ``.mat``."""
    rng = np.random.default_rng(seed)
    base = osp.join(root, 'citypersons')
    width, height = 160, 96
    for split, count in (('train', 3), ('val', 2)):
        mat_images = []
        for i in range(count):
            city = 'aachen' if i % 2 == 0 else 'bochum'
            stem = f'{city}_{i:06d}_000019'
            objects = citypersons_objects(rng, width, height)
            boxes = [(x, y, x + w, y + h)
                     for x, y, w, h in (o['bbox'] for o in objects)]
            _write(
                osp.join(base, 'leftImg8bit', split, city,
                         f'{stem}_leftImg8bit.png'),
                _image(rng, height, width, boxes))
            ann = osp.join(base, 'gtBboxCityPersons', split, city,
                           f'{stem}_gtBboxCityPersons.json')
            os.makedirs(osp.dirname(ann), exist_ok=True)
            with open(ann, 'w') as f:
                json.dump(dict(imgHeight=height, imgWidth=width,
                               objects=objects), f)
            mat_images.append((city, f'{stem}_leftImg8bit.png', objects))
        _write_anno_mat(osp.join(base, 'annotations', f'anno_{split}.mat'),
                        split, mat_images)
    return base


# Segmentation -------------------------------------------------------------


def _label_map(rng: np.random.Generator, height: int, width: int,
               classes: Sequence[int]) -> np.ndarray:
    label = np.zeros((height, width), dtype=np.uint8)
    for cls in classes:
        x = int(rng.integers(0, width // 2))
        y = int(rng.integers(0, height // 2))
        label[y:y + height // 2, x:x + width // 2] = cls
    # VOC draws a 255 (ignore) border around objects.
    label[0, :] = 255
    return label


def _write_palette_png(path: str, label: np.ndarray) -> None:
    from PIL import Image
    os.makedirs(osp.dirname(path), exist_ok=True)
    image = Image.fromarray(label, mode='P')
    palette = np.random.default_rng(0).integers(0, 255, 768).tolist()
    image.putpalette(palette)
    image.save(path)


def write_voc2012_seg(root: str, seed: int = 0) -> str:
    """``voc2012/VOCdevkit/VOC2012``: 2 train, 2 aug, 2 val images."""
    rng = np.random.default_rng(seed)
    base = osp.join(root, 'voc2012', 'VOCdevkit', 'VOC2012')
    width, height = 96, 80
    splits = dict(
        train=('SegmentationClass', ['2007_000032', '2007_000039']),
        aug=('SegmentationClassAug', ['2008_000002', '2008_000003']),
        val=('SegmentationClass', ['2007_000033', '2007_000042']))
    for split, (folder, names) in splits.items():
        for i, name in enumerate(names):
            _write(osp.join(base, 'JPEGImages', f'{name}.jpg'),
                   _image(rng, height, width))
            label = _label_map(rng, height, width, [1 + i, 15])
            _write_palette_png(osp.join(base, folder, f'{name}.png'), label)
        _write_text(
            osp.join(base, 'ImageSets', 'Segmentation', f'{split}.txt'),
            names)
    return base


# Depth ----------------------------------------------------------------------


def _depth_png(path: str, depth_m: np.ndarray, scale: float) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    value = np.clip(np.round(depth_m * scale), 0, 65535).astype(np.uint16)
    if not cv2.imwrite(path, value):
        raise OSError(f'cannot write {path}')


def _depth(rng: np.random.Generator, height: int, width: int,
           max_depth: float, sparse: bool) -> np.ndarray:
    rows = np.linspace(max_depth * 0.8, max_depth * 0.1, height)[:, None]
    depth = np.repeat(rows, width, axis=1) * rng.uniform(0.9, 1.1,
                                                         (height, width))
    if sparse:
        # LiDAR ground truth: most pixels have no measurement.
        depth[rng.random((height, width)) < 0.7] = 0
    return depth


KITTI_DRIVES = (('2011_09_26', '2011_09_26_drive_0001_sync', 'train'),
                ('2011_09_26', '2011_09_26_drive_0002_sync', 'val'))


def write_kitti(root: str, seed: int = 0) -> str:
    """``kitti/``: 4 train, 2 test images with ground truth, 1 without."""
    rng = np.random.default_rng(seed)
    base = osp.join(root, 'kitti')
    width, height = 192, 64
    lines = dict(train=[], test=[])
    monodepth2 = []
    for d, (date, drive, subset) in enumerate(KITTI_DRIVES):
        for f in range(4 if subset == 'train' else 3):
            frame = f'{f:010d}.png'
            rel = f'{date}/{drive}/image_02/data/{frame}'
            _write(osp.join(base, 'raw', rel), _image(rng, height, width))
            # The last test frame has no ground truth, like 45 Eigen ones.
            has_gt = not (subset == 'val' and f == 2)
            if has_gt:
                _depth_png(
                    osp.join(base, 'depth', subset, drive, 'proj_depth',
                             'groundtruth', 'image_02', frame),
                    _depth(rng, height, width, 80., sparse=True), 256.)
            split = 'train' if subset == 'train' else 'test'
            # BTS's lines: image, ground truth (None where there is none),
            # focal length.
            gt = (f'{drive}/proj_depth/groundtruth/image_02/{frame}'
                  if has_gt else 'None')
            lines[split].append(f'{rel} {gt} 721.5377')
            if split == 'test':
                monodepth2.append(f'{date}/{drive} {f:010d} l')
    for split, rows in lines.items():
        _write_text(
            osp.join(base, 'splits', f'eigen_{split}_files_with_gt.txt'),
            rows)
    _write_text(osp.join(base, 'splits', 'eigen', 'test_files.txt'),
                monodepth2)
    return base


def write_nyuv2(root: str, seed: int = 0) -> str:
    """``nyuv2/``: 4 train, 2 test images in mmseg's NYUDataset layout."""
    rng = np.random.default_rng(seed)
    base = osp.join(root, 'nyuv2')
    # Large enough for DepthMetric's fixed NYU crop (rows 45:471).
    width, height = 128, 96
    for split, count in (('train', 4), ('test', 2)):
        for i in range(count):
            name = f'{("bedroom", "kitchen")[i % 2]}_{i:04d}'
            _write(osp.join(base, 'images', split, f'{name}.jpg'),
                   _image(rng, height, width))
            _depth_png(osp.join(base, 'annotations', split, f'{name}.png'),
                       _depth(rng, height, width, 8., sparse=False), 1000.)
    return base


def write_all(root: str) -> Dict[str, str]:
    """Every dense GV-B fixture under ``root``; name to its folder."""
    return dict(
        voc0712=write_voc0712(root),
        wider_face=write_wider_face(root),
        citypersons=write_citypersons(root),
        voc2012=write_voc2012_seg(root),
        kitti=write_kitti(root),
        nyuv2=write_nyuv2(root))
