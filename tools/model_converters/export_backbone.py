"""Export the backbone of a trained model as a ``backbone.*`` checkpoint.

Reads an mmengine checkpoint (or a bare state dict) weights-only, keeps the
keys under ``--prefix`` and writes them as ``{'state_dict':
{'backbone.<rest>': tensor}}``: plain CPU tensors that
``dict(type='Pretrained', checkpoint=OUT, prefix='backbone.')``, an
``UpGGeneralist`` expert checkpoint or ``MetaNet.load_state_dict`` (after
removing the prefix) read.

Examples:
    # The shared trunk of an Up-E expert (MultiTaskExpert,
    # MultiHeadClassifier) or the encoder of an Up-A-L model:
    python tools/model_converters/export_backbone.py \
        work_dirs/up-e-d/iter_20.pth checkpoints/up-e-d_trunk.pth
    # The trunk alone of an Up-G generalist:
    python tools/model_converters/export_backbone.py \
        work_dirs/up-g/iter_20.pth checkpoints/up-g_trunk.pth \
        --prefix backbone.trunk.
"""
import argparse
import os.path as osp
import sys
from typing import Dict, Optional, Sequence

import torch

from mmintern.utils import (BACKBONE_PREFIX, group_keys, load_weights_only,
                            save_backbone)


def parse_args(argv: Optional[Sequence[str]] = None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('checkpoint', help='mmengine checkpoint to read')
    parser.add_argument('out', help='where to write the backbone')
    parser.add_argument(
        '--prefix', default=BACKBONE_PREFIX,
        help='keep the keys under this prefix (default: %(default)s), '
        'written as backbone.<rest of the key>')
    return parser.parse_args(argv)


def export_backbone(checkpoint: str, out: str,
                    prefix: str = BACKBONE_PREFIX) -> Dict[str, torch.Tensor]:
    """Write the tensors of ``checkpoint`` under ``prefix`` as
    ``backbone.*`` to ``out``; returns the written state dict.

    Raises:
        FileNotFoundError: ``checkpoint`` does not exist.
        TypeError: It holds no state dict.
        KeyError: No key starts with ``prefix``.
    """
    if not prefix:
        raise ValueError('prefix must be non-empty, e.g. "backbone."')
    if not osp.isfile(checkpoint):
        raise FileNotFoundError(f'checkpoint {checkpoint} does not exist')
    ckpt = load_weights_only(checkpoint, map_location='cpu')
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else ckpt
    if not isinstance(state, dict):
        raise TypeError(f'{checkpoint} holds no state dict (a '
                        f'{type(state).__name__})')
    backbone = {
        key[len(prefix):]: value
        for key, value in state.items()
        if key.startswith(prefix) and isinstance(value, torch.Tensor)
    }
    if not backbone:
        raise KeyError(f'{checkpoint} has no tensor under {prefix!r}; its '
                       f'keys are {group_keys(sorted(state), depth=2)}')
    return save_backbone(backbone, out)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    try:
        exported = export_backbone(args.checkpoint, args.out, args.prefix)
    except (FileNotFoundError, KeyError, TypeError, ValueError) as e:
        # KeyError's str() is the repr of its message: print the message.
        message = e.args[0] if e.args else str(e)
        print(f'export_backbone: error: {message}', file=sys.stderr)
        return 1
    print(f'exported {len(exported)} tensors under {args.prefix!r} of '
          f'{args.checkpoint} to {args.out} as {BACKBONE_PREFIX}*')
    return 0


if __name__ == '__main__':
    sys.exit(main())
