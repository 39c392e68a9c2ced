"""MF stage 2: re-encode a dataset folder with a trained VQ-GAN into a copy
in the same layout, which the dataset's own config then reads unchanged
(set its data root to DST).

- image files (``.jpg .jpeg .png .bmp``, any case) are re-encoded and
  written in their own format under the same relative path (JPEG at
  quality 95, PNG lossless);
- CIFAR python batches (``data_batch_*``, ``test_batch``: pickled dicts
  whose ``data`` rows are R, G, B planes) get re-encoded rows;
- everything else is copied byte for byte, as is every file matching a
  ``--keep`` pattern (``fnmatch`` on the relative path): the label maps of
  segmentation and depth sets are PNGs that must not be touched. The
  defaults keep ``ann_dir``, ``annotations``, ``Annotations`` and VOC's
  ``Segmentation*`` folders.

Deterministic (the VQ-GAN in eval mode, no randomness), and resumable:
each file is written to a temporary name and renamed, and a file already
in DST is not done again. ``DST/reencode.json`` records the source, the
config and the checkpoint's SHA-256 (GV-B's ``checkpoint_identity``);
DST made from other inputs is refused (use another folder).

Example (the GV-B mini suite's CamVid)::

    python tools/dataset_converters/reencode_dataset.py \\
        data/gvb_mini/camvid data/gvb_mini_reencoded/camvid \\
        --config configs/mf/vqgan_f4_tinyimagenet-flickr8k.py \\
        --checkpoint work_dirs/vqgan_f4_tinyimagenet-flickr8k/iter_2000.pth
"""
import argparse
import fnmatch
import json
import os
import os.path as osp
import pickle
import re
import shutil
import sys
from typing import List, Sequence

import numpy as np

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp')
CIFAR_BATCH = re.compile(r'^(data_batch_\d+|test_batch|train|test)$')
KEEP = ('*ann_dir/*', '*annotations/*', '*Annotations/*',
        '*Segmentation*/*')
MANIFEST = 'reencode.json'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='the dataset folder')
    parser.add_argument('dst', help='where the re-encoded copy goes')
    parser.add_argument('--config', required=True,
                        help="the VQ-GAN's training config")
    parser.add_argument('--checkpoint', required=True)
    parser.add_argument('--keep', nargs='*', default=list(KEEP),
                        help='relative paths copied unchanged (default: '
                        '%(default)s)')
    parser.add_argument('--device', default='cpu')
    return parser.parse_args(argv)


def kind(rel: str, keep: Sequence[str]) -> str:
    """'keep', 'image' or 'cifar' for a relative path."""
    if any(fnmatch.fnmatch(rel, p) for p in keep):
        return 'keep'
    name = osp.basename(rel)
    if osp.splitext(name)[1].lower() in IMAGE_EXTENSIONS:
        return 'image'
    if CIFAR_BATCH.match(name) and 'cifar' in rel.lower():
        return 'cifar'
    return 'keep'


def files_of(src: str) -> List[str]:
    """Every file under ``src`` (symbolic links followed), sorted."""
    found = []
    for folder, _, names in os.walk(src, followlinks=True):
        found += [osp.relpath(osp.join(folder, n), src) for n in names]
    return sorted(found)


def reencode_cifar(model, src: str, dst: str) -> None:
    with open(src, 'rb') as f:
        entry = pickle.load(f, encoding='latin1')
    if 'data' not in entry:
        raise ValueError(f'{src} looks like a CIFAR batch but has no '
                         "'data'; pass it to --keep to copy it")
    rows = np.asarray(entry['data'], dtype=np.uint8)
    images = rows.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    out = model.reencode(images, order='rgb')
    entry['data'] = out.transpose(0, 3, 1, 2).reshape(len(rows), -1)
    with open(dst, 'wb') as f:
        pickle.dump(entry, f)


def reencode_image(model, src: str, dst: str) -> None:
    import cv2
    import mmcv
    img = mmcv.imread(src, flag='color')  # BGR
    if img is None:
        raise ValueError(f'{src} is not a readable image; pass it to --keep '
                         'to copy it')
    ext = osp.splitext(dst)[1].lower()
    params = ([cv2.IMWRITE_JPEG_QUALITY, 95] if ext in ('.jpg', '.jpeg')
              else None)
    if not mmcv.imwrite(model.reencode(img, order='bgr'), dst, params):
        raise OSError(f'could not write {dst}')


def check_manifest(dst: str, manifest: dict) -> None:
    path = osp.join(dst, MANIFEST)
    if osp.isfile(path):
        with open(path) as f:
            old = json.load(f)
        if old != manifest:
            raise ValueError(
                f'{dst} was re-encoded from other inputs ({old}); use '
                'another destination folder')
    else:
        os.makedirs(dst, exist_ok=True)
        with open(path, 'w') as f:
            json.dump(manifest, f, indent=2)


def main(argv=None) -> int:
    args = parse_args(argv)
    for path, what in ((args.src, 'dataset folder'),
                       (args.config, 'config'),
                       (args.checkpoint, 'checkpoint')):
        if not osp.exists(path):
            raise FileNotFoundError(f'no {what} {path}')
    if osp.abspath(args.dst) == osp.abspath(args.src):
        raise ValueError('dst must differ from src: the copy is new')
    from mmintern.gvb.provenance import checkpoint_identity
    from mmintern.models.algorithms.vqgan import load_vqgan
    check_manifest(args.dst, dict(src=osp.abspath(args.src),
                                  config=osp.abspath(args.config),
                                  checkpoint=checkpoint_identity(
                                      args.checkpoint),
                                  keep=list(args.keep)))
    model = load_vqgan(args.config, args.checkpoint, args.device)
    counts = dict(image=0, cifar=0, keep=0, done_before=0)
    for rel in files_of(args.src):
        src, dst = osp.join(args.src, rel), osp.join(args.dst, rel)
        if rel == MANIFEST:
            continue
        if osp.exists(dst):
            counts['done_before'] += 1
            continue
        os.makedirs(osp.dirname(dst), exist_ok=True)
        # Written under a temporary name (with the real extension: the
        # encoder goes by it), renamed when whole.
        stem, ext = osp.splitext(dst)
        tmp = f'{stem}.partial{ext}'
        what = kind(rel, args.keep)
        if what == 'image':
            reencode_image(model, src, tmp)
        elif what == 'cifar':
            reencode_cifar(model, src, tmp)
        else:
            shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
        counts[what] += 1
    print(f'[reencode] {args.src} -> {args.dst}: {counts["image"]} images '
          f'and {counts["cifar"]} CIFAR batches re-encoded, '
          f'{counts["keep"]} files copied, {counts["done_before"]} done '
          'before')
    return 0


if __name__ == '__main__':
    sys.exit(main())
