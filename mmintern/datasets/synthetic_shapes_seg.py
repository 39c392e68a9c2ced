"""A synthetic semantic segmentation dataset that the project writes itself.

The shapes of :mod:`mmintern.datasets.synthetic_shapes` (squares, circles
and triangles on noisy backgrounds), saved as PNG images with PNG label
maps (0 background, 1 square, 2 circle, 3 triangle) in the layout mmseg's
``BaseSegDataset`` reads::

    root/img_dir/<split>/00000.png   # BGR image
    root/ann_dir/<split>/00000.png   # uint8 label map, same name

It is the second dataset of the Up-E(S) segmentation expert config:
deterministic for a seed, small, and learnable on a CPU.
"""
import os
import os.path as osp
from typing import Dict

import cv2
import numpy as np

from .synthetic_shapes import SHAPE_CLASSES, _draw, _make_image

__all__ = ['SHAPE_SEG_CLASSES', 'write_shapes_seg']

SHAPE_SEG_CLASSES = ('background', ) + SHAPE_CLASSES


def write_shapes_seg(root: str,
                     splits: Dict[str, int] = None,
                     seed: int = 0,
                     image_size: int = 128,
                     max_objects: int = 3) -> Dict[str, Dict[str, str]]:
    """Write ``root/img_dir/<split>/*.png`` and ``root/ann_dir/<split>/*.png``.

    The label map of an image is drawn with the same shapes, in the same
    order, as the image itself, so a pixel's label is exactly the class of
    the shape painted last over it.

    Args:
        root: Output folder.
        splits: Images per split. Defaults to 400 train and 100 val.
        seed: Seed of the generator; the same seed gives the same files.
        image_size: Side of the square images. Defaults to 128.
        max_objects: Most shapes per image. Defaults to 3.

    Returns:
        Per split, its image and label folders:
        ``{split: {'img_path': ..., 'seg_map_path': ...}}``, the
        ``data_prefix`` of a ``BaseSegDataset`` with ``data_root=root``
        (relative to ``root``).
    """
    splits = dict(train=400, val=100) if splits is None else splits
    rng = np.random.default_rng(seed)
    written = {}
    for split, count in splits.items():
        prefix = dict(img_path=osp.join('img_dir', split),
                      seg_map_path=osp.join('ann_dir', split))
        for folder in prefix.values():
            os.makedirs(osp.join(root, folder), exist_ok=True)
        for image_id in range(count):
            image, objects = _make_image(rng, image_size, max_objects)
            label_map = np.zeros((image_size, image_size), dtype=np.uint8)
            for obj in objects:
                # Label ids are 1 + the detection class index: 0 is the
                # background.
                _draw(label_map, obj['label'], obj['box'],
                      int(obj['label']) + 1)
            name = f'{image_id:05d}.png'
            cv2.imwrite(osp.join(root, prefix['img_path'], name), image)
            cv2.imwrite(osp.join(root, prefix['seg_map_path'], name),
                        label_map)
        written[split] = prefix
    return written
