from typing import Optional

import torch
import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule

from mmintern.registry import register_model
from .shortcut import make_shortcut


def make_local_path(in_channels: int, out_channels: int, stride: int,
                    norm_cfg: dict) -> nn.Sequential:
    """Strided depthwise 3x3 -> norm -> 1x1 conv: UniNet's local reduction."""
    return nn.Sequential(
        nn.Conv2d(in_channels, in_channels, 3, stride=stride, padding=1,
                  groups=in_channels),
        build_norm_layer(norm_cfg, in_channels)[1],
        nn.Conv2d(in_channels, out_channels, 1))


@register_model
class LocalDSM(BaseModule):
    """Local down-sampling module (L-DSM, UniNet).

    ``local(x) + shortcut(x)``: a strided depthwise conv sees each output
    position's 3x3 neighbourhood, unlike a plain strided conv or pooling.

    Args:
        in_channels (int): Input width.
        out_channels (int): Output width.
        stride (int): Down-sampling factor. Defaults to 2.
        head_dim (int): Unused; accepted so that all DSMs share a signature.
        norm_cfg (dict): Norm of the local path. Defaults to BN.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 2,
                 head_dim: int = 32, norm_cfg: dict = dict(type='BN'),
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.local = make_local_path(in_channels, out_channels, stride,
                                     norm_cfg)
        self.shortcut = make_shortcut(in_channels, out_channels, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.local(x) + self.shortcut(x)
