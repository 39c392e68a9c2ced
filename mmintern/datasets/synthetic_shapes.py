"""A synthetic detection dataset that the project writes itself.

Coloured squares, circles and triangles on noisy backgrounds, saved as PNG
images with COCO-format box annotations, the layout mmdet's ``CocoDataset``
reads. It is the embedded default data of ``make demo`` and of the
detection tests: deterministic for a seed, small, and learnable in minutes
on a CPU.
"""
import json
import os
import os.path as osp
from typing import Dict, List, Tuple

import cv2
import numpy as np

SHAPE_CLASSES = ('square', 'circle', 'triangle')


def _draw(image: np.ndarray, label: int, box: Tuple[int, int, int, int],
          color: Tuple[int, int, int]) -> None:
    x0, y0, x1, y1 = box
    if label == 0:
        cv2.rectangle(image, (x0, y0), (x1 - 1, y1 - 1), color, -1)
    elif label == 1:
        center = ((x0 + x1) // 2, (y0 + y1) // 2)
        cv2.ellipse(image, center, ((x1 - x0) // 2, (y1 - y0) // 2), 0, 0,
                    360, color, -1)
    else:
        points = np.array([[(x0 + x1) // 2, y0], [x0, y1 - 1],
                           [x1 - 1, y1 - 1]], dtype=np.int32)
        cv2.fillPoly(image, [points], color)


def _make_image(rng: np.random.Generator, size: int,
                max_objects: int) -> Tuple[np.ndarray, List[Dict]]:
    image = rng.integers(0, 80, (size, size, 3), dtype=np.uint8)
    objects = []
    for _ in range(rng.integers(1, max_objects + 1)):
        side = int(rng.integers(size // 6, size // 2.5))
        x0 = int(rng.integers(0, size - side))
        y0 = int(rng.integers(0, size - side))
        box = (x0, y0, x0 + side, y0 + side)
        if any(_overlap(box, o['box']) > 0.1 for o in objects):
            continue
        label = int(rng.integers(len(SHAPE_CLASSES)))
        color = tuple(int(c) for c in rng.integers(120, 256, 3))
        _draw(image, label, box, color)
        objects.append(dict(label=label, box=box))
    return image, objects


def _overlap(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.
    return w * h / min((a[2] - a[0]) * (a[3] - a[1]),
                       (b[2] - b[0]) * (b[3] - b[1]))


def write_shapes_coco(root: str, splits: Dict[str, int] = None,
                      image_size: int = 128, max_objects: int = 3,
                      seed: int = 0) -> Dict[str, str]:
    """Write ``root/<split>/*.png`` and ``root/annotations/<split>.json``.

    Args:
        root: Output folder.
        splits: Images per split. Defaults to 400 train and 100 val.
        image_size: Side of the square images. Defaults to 128.
        max_objects: Most shapes per image. Defaults to 3.
        seed: Seed of the generator; the same seed gives the same files.

    Returns:
        The annotation file of each split.
    """
    splits = splits or dict(train=400, val=100)
    rng = np.random.default_rng(seed)
    os.makedirs(osp.join(root, 'annotations'), exist_ok=True)
    written = {}
    for split, count in splits.items():
        os.makedirs(osp.join(root, split), exist_ok=True)
        images, annotations = [], []
        for image_id in range(count):
            image, objects = _make_image(rng, image_size, max_objects)
            name = f'{image_id:05d}.png'
            cv2.imwrite(osp.join(root, split, name), image)
            images.append(dict(id=image_id, file_name=name,
                               width=image_size, height=image_size))
            for obj in objects:
                x0, y0, x1, y1 = obj['box']
                annotations.append(dict(
                    id=len(annotations), image_id=image_id,
                    category_id=obj['label'] + 1, iscrowd=0,
                    bbox=[x0, y0, x1 - x0, y1 - y0],
                    area=(x1 - x0) * (y1 - y0)))
        ann_file = osp.join(root, 'annotations', f'{split}.json')
        with open(ann_file, 'w') as f:
            json.dump(dict(images=images, annotations=annotations,
                           categories=[dict(id=i + 1, name=n) for i, n in
                                       enumerate(SHAPE_CLASSES)]), f)
        written[split] = ann_file
    return written
