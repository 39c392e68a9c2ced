"""Convert released MetaNet checkpoints (gv-benchmark) to mmintern's layout.

The release names modules ``stem.N``, ``blocks.N`` (flat over all stages),
``head.N``, with Sequential indices inside each block; mmintern names them
``stem.conv``, ``stages.S.blocks.B.<part>``, ``head.conv``. The tables below
map one block type's released parts to ours.
"""
import re
from collections import OrderedDict
from typing import Dict, Iterator, Mapping, Tuple

import torch

from .metanet_arch import MetaNetCfg

_CONV_BN = dict(stem={'0': 'conv', '1': 'bn'}, head={'0': 'conv', '1': 'bn'})
_MBCONV = {
    'residual.1': 'shortcut.1',
    'b1.0': 'pre_norm', 'b1.1': 'expand.conv', 'b1.2': 'expand.bn',
    'b2.0': 'dw.conv', 'b2.1': 'dw.bn',
    'b2.3.fc1': 'se.conv1.conv', 'b2.3.fc2': 'se.conv2.conv',
    'b2.4': 'project.conv', 'b2.5': 'project.bn',
}
_FUSED_MBCONV = {
    'residual.1': 'shortcut.1',
    'b1.0': 'pre_norm', 'b1.1': 'expand.conv', 'b1.2': 'expand.bn',
    'b2.0.fc1': 'se.conv1.conv', 'b2.0.fc2': 'se.conv2.conv',
    'b2.1': 'project.conv', 'b2.2': 'project.bn',
}
_TRANSFORMER = {
    'residual.1': 'shortcut.1', 'pos_embed': 'pos_embed',
    'norm1': 'norm1', 'norm2': 'norm2',
    'attn.qkv': 'attn.qkv', 'attn.proj': 'attn.proj',
    'attn.temperature': 'attn.temperature',
    'gamma_1': 'gamma1.weight', 'gamma_2': 'gamma2.weight',
    'mlp.fc1': 'mlp.layers.0.0', 'mlp.fc2': 'mlp.layers.1',
}
RELEASED_PARTS = dict(
    mbconv=_MBCONV, fused_mbconv=_FUSED_MBCONV, mhsa=_TRANSFORMER,
    xca=_TRANSFORMER)


def _block_positions(arch: MetaNetCfg) -> Iterator[Tuple[int, int, str]]:
    for s, stage in enumerate(arch.stages):
        if stage.downsampler != 'block' or stage.block not in RELEASED_PARTS:
            raise ValueError(
                f'stage {s} ({stage.block}, downsampler {stage.downsampler})'
                ' has no released counterpart; only archs built from '
                f'{sorted(RELEASED_PARTS)} blocks with the strided first '
                'block were released')
        for b in range(stage.depth):
            yield s, b, stage.block


def _rename(rest: str, parts: Mapping[str, str]) -> str:
    # The longest released part that prefixes ``rest`` wins.
    for old in sorted(parts, key=len, reverse=True):
        if rest == old or rest.startswith(old + '.'):
            return parts[old] + rest[len(old):]
    raise KeyError(rest)


def convert_released_metanet(state_dict: Mapping[str, torch.Tensor],
                             arch: MetaNetCfg) -> 'OrderedDict[str, torch.Tensor]':
    """Map a released MetaNet backbone state dict onto mmintern's keys.

    Args:
        state_dict: Released backbone keys (``stem.*``, ``blocks.N.*``,
            ``head.*``), without any ``backbone.`` prefix.
        arch: The architecture the weights belong to.

    Raises:
        KeyError: naming every key that has no place in mmintern's layout,
            or a target key that two released keys would fill.
    """
    positions = list(_block_positions(arch))
    converted: Dict[str, torch.Tensor] = OrderedDict()
    unknown = []
    for key, value in state_dict.items():
        try:
            new_key = _convert_key(key, positions)
        except KeyError:
            unknown.append(key)
            continue
        if new_key in converted:
            raise KeyError(f'{key}: target {new_key} is filled twice')
        converted[new_key] = value
    if unknown:
        raise KeyError(
            f'{len(unknown)} keys are not part of a released MetaNet with '
            f'{len(positions)} blocks: {unknown[:10]}'
            f'{" ..." if len(unknown) > 10 else ""}')
    return converted


def _convert_key(key: str, positions) -> str:
    top, _, rest = key.partition('.')
    if top in _CONV_BN:
        index, _, param = rest.partition('.')
        return f'{top}.{_CONV_BN[top][index]}.{param}'
    match = re.fullmatch(r'blocks\.(\d+)\.(.+)', key)
    if match is None or int(match.group(1)) >= len(positions):
        raise KeyError(key)
    stage, block, block_type = positions[int(match.group(1))]
    part = _rename(match.group(2), RELEASED_PARTS[block_type])
    return f'stages.{stage}.blocks.{block}.{part}'


def convert_released_checkpoint(checkpoint: Mapping,
                                arch: MetaNetCfg) -> 'OrderedDict':
    """Convert a whole released checkpoint.

    Accepts a bare backbone state dict or a dict with ``state_dict`` /
    ``model``; with a ``backbone.`` prefix (mmcls classifier checkpoints),
    backbone keys are converted and the others (e.g. ``head.fc.*``) kept.
    """
    state_dict = checkpoint
    for wrapper in ('state_dict', 'model'):
        if isinstance(state_dict.get(wrapper), Mapping):
            state_dict = state_dict[wrapper]
            break
    prefix = 'backbone.'
    if not any(k.startswith(prefix) for k in state_dict):
        return convert_released_metanet(state_dict, arch)
    backbone = {k[len(prefix):]: v for k, v in state_dict.items()
                if k.startswith(prefix)}
    out = OrderedDict((prefix + k, v) for k, v in
                      convert_released_metanet(backbone, arch).items())
    out.update((k, v) for k, v in state_dict.items()
               if not k.startswith(prefix))
    return out
