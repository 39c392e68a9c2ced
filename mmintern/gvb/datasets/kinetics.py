"""Kinetics (400/600/700) as image classification of middle frames."""
import os
import os.path as osp

from mmengine.logging import print_log
from mmpretrain.datasets.base_dataset import BaseDataset

from mmintern.datasets.image_folders import list_images, require_dir
from mmintern.registry import register_dataset
from .base import middle


def _subfolders(path: str) -> list:
    with os.scandir(path) as entries:
        return sorted(e.name for e in entries if e.is_dir())


@register_dataset
class KineticsFrames(BaseDataset):
    """Kinetics, one frame per video: the middle one.

    GV-B classifies videos from a single image: every video is represented
    by its middle frame (the later of the two middle frames for an even
    count, frames sorted by their number). The frames must be extracted
    beforehand, one folder per video::

        <data_root>/frames/<split>/<class>/<video>/<frame>.jpg

    The classes are the class folders of ``frames/train`` (sorted), so that
    every split labels them alike; without a ``train`` folder, those of the
    split itself; or the ``classes`` argument. Videos whose folder is empty
    (downloads and decodes of Kinetics fail for a share of the videos) are
    left out with a warning.

    Args:
        data_root (str): The folder holding ``frames``.
        split (str): ``'train'``, ``'val'`` or ``'test'``. Defaults to
            ``'train'``.
        data_prefix (str): The frame folders, relative to ``data_root``.
            Defaults to ``'frames'``.
        **kwargs: Other arguments of mmpretrain's ``BaseDataset``.
    """

    def __init__(self, data_root: str, split: str = 'train',
                 data_prefix: str = 'frames', **kwargs):
        if split not in ('train', 'val', 'test'):
            raise ValueError(
                f"split must be 'train', 'val' or 'test', got {split!r}")
        self.split = split
        if kwargs.get('classes') is None and not (
                kwargs.get('metainfo') or {}).get('classes'):
            frames = osp.join(data_root, data_prefix)
            source = osp.join(frames, 'train')
            if not osp.isdir(source):
                source = osp.join(frames, split)
            require_dir(source, 'one folder per class of extracted frames, '
                        f'{data_prefix}/<split>/<class>/<video>/<frame>.jpg')
            kwargs['classes'] = _subfolders(source)
        super().__init__(ann_file='', data_root=data_root,
                         data_prefix=osp.join(data_prefix, split),
                         test_mode=split != 'train', **kwargs)

    def load_data_list(self):
        """Walk ``<class>/<video>/`` and pick each video's middle frame."""
        root = require_dir(
            self.img_prefix, f'the {self.split} frames, '
            '<class>/<video>/<frame>.jpg')
        label_of = {name: i for i, name in enumerate(self.CLASSES)}
        data_list, empty = [], []
        for class_name in _subfolders(root):
            if class_name not in label_of:
                raise ValueError(f'{osp.join(root, class_name)} is not one of '
                                 f'the {len(label_of)} classes')
            class_dir = osp.join(root, class_name)
            for video in _subfolders(class_dir):
                frames = list_images(osp.join(class_dir, video))
                if not frames:
                    empty.append(osp.join(class_dir, video))
                    continue
                data_list.append(dict(
                    img_path=osp.join(class_dir, video, middle(frames)),
                    gt_label=label_of[class_name]))
        if empty:
            print_log(f'KineticsFrames: left out {len(empty)} videos without '
                      f'frames, e.g. {empty[0]}', logger='current')
        return data_list

    def extra_repr(self):
        """The extra repr information of the dataset."""
        return [f'Root of dataset: \t{self.data_root}']
