"""The convolutional encoder and decoder of the VQ-GAN (MF stage 1).

A plain residual codec in the shape of taming-transformers' (Esser et
al., 2021) without its attention blocks: a stem convolution, per level
``num_res_blocks`` residual blocks then a 2x down-sampling (encoder) or
up-sampling (decoder), and a projection to / from the quantizer's
``embed_dims``. ``len(channel_mults) - 1`` levels down-sample, so the
factor is ``2 ** (len(channel_mults) - 1)``. GroupNorm and SiLU, as there.
"""
from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmintern.registry import register_model


def _norm(channels: int) -> nn.GroupNorm:
    # 32 groups as taming's, fewer for narrow layers (groups must divide).
    groups = next(g for g in (32, 16, 8, 4, 2, 1) if channels % g == 0)
    return nn.GroupNorm(groups, channels, eps=1e-6)


class ResBlock(nn.Module):
    """norm-SiLU-conv twice, with a 1x1 shortcut when the width changes."""

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.body = nn.Sequential(
            _norm(in_channels), nn.SiLU(),
            nn.Conv2d(in_channels, out_channels, 3, padding=1),
            _norm(out_channels), nn.SiLU(),
            nn.Conv2d(out_channels, out_channels, 3, padding=1))
        self.shortcut = (nn.Identity() if in_channels == out_channels else
                         nn.Conv2d(in_channels, out_channels, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.shortcut(x) + self.body(x)


def _widths(base_channels: int, channel_mults: Sequence[int]):
    if base_channels < 1 or not channel_mults or min(channel_mults) < 1:
        raise ValueError('base_channels and channel_mults must be positive, '
                         f'got {base_channels}, {channel_mults}')
    return [base_channels * m for m in channel_mults]


@register_model
class ConvEncoder(nn.Module):
    """Image (B, 3, H, W) -> latent (B, embed_dims, H / f, W / f)."""

    def __init__(self, embed_dims: int, base_channels: int = 64,
                 channel_mults: Sequence[int] = (1, 2, 2),
                 num_res_blocks: int = 1, in_channels: int = 3):
        super().__init__()
        widths = _widths(base_channels, channel_mults)
        self.factor = 2**(len(widths) - 1)
        layers = [nn.Conv2d(in_channels, widths[0], 3, padding=1)]
        width = widths[0]
        for level, out in enumerate(widths):
            for _ in range(num_res_blocks):
                layers.append(ResBlock(width, out))
                width = out
            if level < len(widths) - 1:  # a strided conv halves the map
                layers.append(nn.Conv2d(width, width, 3, stride=2,
                                        padding=1))
        layers += [ResBlock(width, width), _norm(width), nn.SiLU(),
                   nn.Conv2d(width, embed_dims, 1)]
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


@register_model
class ConvDecoder(nn.Module):
    """Latent (B, embed_dims, h, w) -> image (B, 3, h * f, w * f)."""

    def __init__(self, embed_dims: int, base_channels: int = 64,
                 channel_mults: Sequence[int] = (1, 2, 2),
                 num_res_blocks: int = 1, out_channels: int = 3):
        super().__init__()
        widths = _widths(base_channels, channel_mults)[::-1]
        self.factor = 2**(len(widths) - 1)
        width = widths[0]
        layers = [nn.Conv2d(embed_dims, width, 3, padding=1),
                  ResBlock(width, width)]
        for level, out in enumerate(widths):
            for _ in range(num_res_blocks):
                layers.append(ResBlock(width, out))
                width = out
            if level < len(widths) - 1:
                layers += [nn.Upsample(scale_factor=2, mode='nearest'),
                           nn.Conv2d(width, width, 3, padding=1)]
        layers += [_norm(width), nn.SiLU()]
        self.layers = nn.Sequential(*layers)
        # Its own attribute: the GAN's adaptive weight balances the
        # gradients at this layer.
        self.last_layer = nn.Conv2d(width, out_channels, 3, padding=1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.last_layer(self.layers(z))


def pad_to_multiple(x: torch.Tensor, factor: int) -> torch.Tensor:
    """Reflect-pad the bottom and right of a (B, C, H, W) batch to a
    multiple of ``factor`` (crop the output back with ``[..., :H, :W]``)."""
    h, w = x.shape[-2:]
    pad_h, pad_w = -h % factor, -w % factor
    if not pad_h and not pad_w:
        return x
    # reflect needs a pad below the side; replicate covers tiny images.
    mode = 'reflect' if pad_h < h and pad_w < w else 'replicate'
    return F.pad(x, (0, pad_w, 0, pad_h), mode=mode)
