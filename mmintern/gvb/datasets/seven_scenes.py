"""Microsoft 7-Scenes RGB-D frames as a depth estimation dataset.

Not a GV-B dataset: it is the real-data check of the depth protocol (the
project keeps a 100-frame extract, see ``/work/shared/data/depth_7scenes``).
The layout of a 7-Scenes sequence, flattened:

.. code-block:: none

    <root>/
    ├── rgb/frame-XXXXXX.color.jpg      (640x480 RGB)
    └── depth/frame-XXXXXX.depth.png    (uint16 mm, 0 = invalid)

The official download keeps ``frame-XXXXXX.color.png`` and
``frame-XXXXXX.depth.png`` side by side in ``seq-NN/``; give the same folder
as ``img_path`` and ``depth_map_path`` and the suffixes for that.
Load the depth with ``LoadDepthAnnotation(depth_rescale_factor=1e-3)``.
"""
import glob
import os.path as osp
from typing import List, Optional, Sequence

from mmengine.dataset import BaseDataset

from mmintern.registry import register_dataset

__all__ = ['SevenScenesDepthDataset']


@register_dataset
class SevenScenesDepthDataset(BaseDataset):
    """7-Scenes frames: an RGB image and its depth PNG each.

    Args:
        data_prefix (dict): ``img_path`` and ``depth_map_path`` folders.
            Defaults to ``dict(img_path='rgb', depth_map_path='depth')``.
        img_suffix (str): Defaults to ``'.color.jpg'``.
        depth_suffix (str): Defaults to ``'.depth.png'``.
        frames (Sequence[str], optional): Frame names to keep
            (``'frame-000010'``), e.g. a train / test split; all when None.
        **kwargs: The other arguments of mmengine's ``BaseDataset``.
    """
    METAINFO = dict(classes=(), max_depth=10.)

    def __init__(self,
                 data_prefix: dict = dict(img_path='rgb',
                                          depth_map_path='depth'),
                 img_suffix: str = '.color.jpg',
                 depth_suffix: str = '.depth.png',
                 frames: Optional[Sequence[str]] = None,
                 **kwargs):
        self.img_suffix = img_suffix
        self.depth_suffix = depth_suffix
        self.frames = None if frames is None else list(frames)
        super().__init__(data_prefix=data_prefix, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Pair every ``<frame><img_suffix>`` with its depth PNG."""
        img_dir = self.data_prefix['img_path']
        depth_dir = self.data_prefix['depth_map_path']
        images = sorted(glob.glob(osp.join(img_dir, '*' + self.img_suffix)))
        names = [osp.basename(p)[:-len(self.img_suffix)] for p in images]
        if self.frames is not None:
            unknown = sorted(set(self.frames) - set(names))
            if unknown:
                raise FileNotFoundError(
                    f'frames {unknown[:5]} have no {self.img_suffix} image '
                    f'in {img_dir!r}')
            names = [n for n in names if n in set(self.frames)]
        if not names:
            raise FileNotFoundError(
                f'no *{self.img_suffix} image in {img_dir!r}; expected '
                'rgb/frame-XXXXXX.color.jpg and depth/frame-XXXXXX.depth.png')
        data_list = []
        for name in names:
            depth = osp.join(depth_dir, name + self.depth_suffix)
            if not osp.isfile(depth):
                raise FileNotFoundError(f'depth map {depth!r} of frame '
                                        f'{name!r} not found')
            data_list.append(
                dict(img_path=osp.join(img_dir, name + self.img_suffix),
                     depth_map_path=depth, seg_fields=[]))
        return data_list
