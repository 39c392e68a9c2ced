"""Convert a released MetaNet checkpoint (gv-benchmark) to mmintern's keys.

Example:
    python tools/model_converters/metanet_to_mmintern.py \
        metanet_b4_released.pth checkpoints/metanet-b4.pth --arch b4
"""
import argparse
import os
import os.path as osp

import torch

from mmintern.models import MetaNet
from mmintern.models.backbones.metanet_convert import \
    convert_released_checkpoint
from mmintern.utils import load_weights_only


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='released checkpoint')
    parser.add_argument('dst', help='where to write the converted one')
    parser.add_argument('--arch', default='b4',
                        help=f'one of {list(MetaNet.arch_settings)}')
    return parser.parse_args()


def main():
    args = parse_args()
    arch = MetaNet.parse_arch(args.arch)
    state_dict = convert_released_checkpoint(load_weights_only(args.src),
                                             arch)
    # Written as a classifier checkpoint ('backbone.' keys), which
    # mmpretrain loads directly and det / seg configs read with
    # init_cfg=dict(type='Pretrained', prefix='backbone.').
    prefix = 'backbone.'
    if not any(k.startswith(prefix) for k in state_dict):
        state_dict = {prefix + k: v for k, v in state_dict.items()}
    # Prove the result fits: every key of the model filled, shapes equal.
    model = MetaNet(arch=arch, out_indices=-1)
    model.load_state_dict(
        {k[len(prefix):]: v for k, v in state_dict.items()
         if k.startswith(prefix)}, strict=True)
    os.makedirs(osp.dirname(osp.abspath(args.dst)), exist_ok=True)
    torch.save(dict(state_dict=state_dict), args.dst)
    print(f'converted {len(state_dict)} tensors of MetaNet-{args.arch} to '
          f'{args.dst}')


if __name__ == '__main__':
    main()
