"""UCF101 action recognition as image classification of middle frames."""
import os.path as osp

from mmengine.fileio import list_from_file
from mmpretrain.datasets.base_dataset import BaseDataset

from mmintern.datasets.image_folders import (list_images, require_dir,
                                             require_file)
from mmintern.registry import register_dataset
from .base import middle

UCF101_URL = 'https://www.crcv.ucf.edu/data/UCF101.php'


@register_dataset
class UCF101Frames(BaseDataset):
    """UCF101, one frame per video: the middle one.

    GV-B classifies videos from a single image, so every video is
    represented by its middle frame (the later of the two middle frames for
    an even count, frames sorted by their number). The frames must be
    extracted beforehand, e.g. ``ffmpeg -i v_X.avi frames/v_X/%05d.jpg``::

        <data_root>/
        ├── frames/<video>/<frame>.jpg  # <video>: the .avi name, no .avi
        └── ucfTrainTestlist/           # from UCF101TrainTestSplits
            ├── classInd.txt            # "1 ApplyEyeMakeup"
            ├── trainlist01.txt         # "ApplyEyeMakeup/v_..._c01.avi 1"
            └── testlist01.txt          # "ApplyEyeMakeup/v_..._c01.avi"

    Args:
        data_root (str): The folder described above.
        split (str): ``'train'`` or ``'test'``. Defaults to ``'train'``.
        split_id (int): Which of the three official splits. Defaults to 1.
        data_prefix (str): The frame folders, relative to ``data_root``.
            Defaults to ``'frames'``.
        list_dir (str): The split lists, relative to ``data_root``.
            Defaults to ``'ucfTrainTestlist'``.
        **kwargs: Other arguments of mmpretrain's ``BaseDataset``.
    """

    def __init__(self, data_root: str, split: str = 'train',
                 split_id: int = 1, data_prefix: str = 'frames',
                 list_dir: str = 'ucfTrainTestlist', **kwargs):
        if split not in ('train', 'test'):
            raise ValueError(
                f"split must be 'train' or 'test', got {split!r}")
        if split_id not in (1, 2, 3):
            raise ValueError(f'split_id must be 1, 2 or 3, got {split_id}')
        self.split = split
        self.list_dir = osp.join(data_root, list_dir)
        # The class names come from classInd.txt, before the base class
        # reads the metainfo.
        class_file = require_file(
            osp.join(self.list_dir, 'classInd.txt'),
            f'the class list of UCF101TrainTestSplits ({UCF101_URL})')
        classes = []
        for line in list_from_file(class_file):
            if line.strip():
                index, name = line.split()
                if int(index) != len(classes) + 1:
                    raise ValueError(f'{class_file}: expected class '
                                     f'{len(classes) + 1}, got {line!r}')
                classes.append(name)
        kwargs.setdefault('classes', classes)
        super().__init__(
            ann_file=osp.join(list_dir, f'{split}list{split_id:02d}.txt'),
            data_root=data_root, data_prefix=data_prefix,
            test_mode=split == 'test', **kwargs)

    def load_data_list(self):
        """List the split's videos and pick each one's middle frame."""
        path = require_file(
            self.ann_file,
            f'the UCF101 {self.split} list of UCF101TrainTestSplits')
        require_dir(self.img_prefix,
                    'the extracted frames, one folder per video')
        label_of = {name: i for i, name in enumerate(self.CLASSES)}
        data_list = []
        for line in list_from_file(path):
            if not line.strip():
                continue
            # The test lists have no label column: the class is the folder.
            video = line.split()[0]
            class_name, file = video.split('/')
            if class_name not in label_of:
                raise ValueError(f'{path}: unknown class {class_name!r} in '
                                 f'{line!r}')
            folder = osp.join(self.img_prefix, osp.splitext(file)[0])
            frames = list_images(folder) if osp.isdir(folder) else []
            if not frames:
                raise FileNotFoundError(
                    f'{folder} has no frames: expected the frames of '
                    f'{video} as <frame>.jpg in it')
            data_list.append(dict(img_path=osp.join(folder, middle(frames)),
                                  gt_label=label_of[class_name]))
        return data_list

    def extra_repr(self):
        """The extra repr information of the dataset."""
        return [f'Root of dataset: \t{self.data_root}']
