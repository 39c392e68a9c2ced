"""Reading image folders and dataset files, naming what is missing.

The one reader of class-folder layouts (``<root>/<class>/<image>``) and the
checks every dataset reader uses for its files, shared by GV-B's datasets,
``ClassFolderSubset`` and the mini suite.
"""
import os
import os.path as osp
import re
from typing import Dict, List, Sequence

__all__ = [
    'IMG_EXTENSIONS', 'require_file', 'require_dir', 'natural_key',
    'list_images', 'class_folders', 'class_folder_images'
]

IMG_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.tif', '.tiff')


def require_file(path: str, what: str) -> str:
    """Return ``path`` if it is a file, else raise a helpful error.

    Args:
        path (str): The file that must exist.
        what (str): What the file is and where it comes from, for the
            message, e.g. ``'the SVHN training set (train_32x32.mat)'``.

    Returns:
        str: ``path``.

    Raises:
        FileNotFoundError: Naming ``path`` and ``what``.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} not found: expected {what}')
    return path


def require_dir(path: str, what: str) -> str:
    """Return ``path`` if it is a folder, else raise a helpful error.

    Args:
        path (str): The folder that must exist.
        what (str): What the folder holds, for the message.

    Returns:
        str: ``path``.

    Raises:
        FileNotFoundError: Naming ``path`` and ``what``.
    """
    if not osp.isdir(path):
        raise FileNotFoundError(f'{path} not found: expected {what}')
    return path


def natural_key(name: str) -> list:
    """Sort key that orders ``frame2`` before ``frame10``.

    Frame extractors do not always zero-pad the frame number, and the
    middle frame of a video must be the middle one in time.
    """
    return [int(part) if part.isdigit() else part
            for part in re.split(r'(\d+)', name)]


def list_images(folder: str,
                extensions: Sequence[str] = IMG_EXTENSIONS) -> List[str]:
    """Names of the image files in ``folder``, in natural order.

    Raises:
        ValueError: When one is an empty file (an interrupted copy), naming
            it: decoding it would fail later without a name.
    """
    with os.scandir(folder) as entries:
        images = [
            e for e in entries
            if e.is_file() and e.name.lower().endswith(tuple(extensions))
        ]
    empty = [e.path for e in images if e.stat().st_size == 0]
    if empty:
        raise ValueError(f'{len(empty)} empty image files (0 bytes) in '
                         f'{folder}: {empty[:5]}')
    return sorted((e.name for e in images), key=natural_key)


def class_folders(root: str, what: str) -> List[str]:
    """The sub-folders of ``root`` (one per class), sorted by name.

    Raises:
        FileNotFoundError: When ``root`` is not a folder, naming ``what``.
    """
    require_dir(root, what)
    with os.scandir(root) as entries:
        return sorted(e.name for e in entries if e.is_dir())


def class_folder_images(root: str, folders: Sequence[str],
                        what: str) -> Dict[str, List[str]]:
    """The image names (natural order) of each named class folder of
    ``root``: the one reader of class-folder layouts.

    Args:
        root (str): The folder holding one folder per class.
        folders (Sequence[str]): The class folders to read, relative to
            ``root`` (a nested one too: Tiny ImageNet's ``<wnid>/images``).
        what (str): What ``root`` holds, for the messages.

    Raises:
        FileNotFoundError: When ``root`` is missing, or lacks a folder of
            ``folders`` (all missing ones named, with what is there).
    """
    present = class_folders(root, what)
    missing = [f for f in folders if not osp.isdir(osp.join(root, f))]
    if missing:
        raise FileNotFoundError(
            f'{root} lacks the class folders {missing}: expected {what}; it '
            f'has {present}')
    return {f: list_images(osp.join(root, f)) for f in folders}
