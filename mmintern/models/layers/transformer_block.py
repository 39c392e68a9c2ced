from typing import Optional

import torch
import torch.nn as nn
from mmcv.cnn.bricks import DropPath
from mmcv.cnn.bricks.scale import LayerScale
from mmcv.cnn.bricks.transformer import FFN
from mmengine.model import BaseModule

from mmintern.registry import register_model

from .cross_covariance_attention import CrossCovarianceAttention
from .multihead_self_attention import MultiheadSelfAttention
from .shortcut import make_shortcut

ATTENTIONS = dict(mhsa=MultiheadSelfAttention, xca=CrossCovarianceAttention)


def to_tokens(x: torch.Tensor) -> torch.Tensor:
    """(B, C, H, W) -> (B, H*W, C)."""
    return x.flatten(2).transpose(1, 2)


def to_map(x: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """(B, H*W, C) -> (B, C, H, W)."""
    return x.transpose(1, 2).reshape(x.shape[0], -1, height, width)


@register_model
class TransformerBlock(BaseModule):
    """MetaNet's transformer block, with MHSA (MN-B4) or XCA (MN-B15).

    Takes and returns feature maps, so that conv and transformer stages chain
    freely and nothing depends on the input resolution. A depthwise 3x3 conv
    adds position information first. Then, where the shape stays:
    ``x + LS(attn(LN(x)))`` and ``x + LS(MLP(LN(x)))``. The released
    stage-entry block that changes the shape instead pools the normalised
    token grid (MaxPool 3, stride s), attends with an output projection to
    the new width, and adds the max-pool + 1x1 shortcut; it has no MLP.

    Args:
        in_channels (int): Input width.
        out_channels (int): Output width.
        stride (int): Down-sampling factor. Defaults to 1.
        expansion (float): MLP hidden width over the input width.
            Defaults to 4.
        attention (str): ``'mhsa'`` or ``'xca'``. Defaults to ``'mhsa'``.
        head_dim (int): Width per attention head. Defaults to 32.
        drop_path_rate (float): Stochastic depth rate. Defaults to 0.
        layer_scale_init_value (float): LayerScale init. Defaults to 1e-6.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1,
                 expansion: float = 4., attention: str = 'mhsa',
                 head_dim: int = 32, drop_path_rate: float = 0.,
                 layer_scale_init_value: float = 1e-6,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if attention not in ATTENTIONS:
            raise ValueError(f'unknown attention {attention!r}; valid: '
                             f'{sorted(ATTENTIONS)}')
        if in_channels % head_dim:
            raise ValueError(f'width {in_channels} is not a multiple of '
                             f'head_dim {head_dim}')
        self.reduces = stride != 1 or in_channels != out_channels
        self.pos_embed = nn.Conv2d(
            in_channels, in_channels, 3, padding=1, groups=in_channels)
        self.norm1 = nn.LayerNorm(in_channels)
        self.attn = ATTENTIONS[attention](
            in_channels, out_channels, num_heads=in_channels // head_dim)
        self.gamma1 = LayerScale(out_channels, scale=layer_scale_init_value)
        if self.reduces:
            self.pool = nn.MaxPool2d(3, stride=stride, padding=1)
            self.shortcut = make_shortcut(in_channels, out_channels, stride)
        else:
            self.norm2 = nn.LayerNorm(in_channels)
            self.mlp = FFN(
                embed_dims=in_channels,
                feedforward_channels=int(in_channels * expansion),
                act_cfg=dict(type='GELU'), add_identity=False)
            self.gamma2 = LayerScale(out_channels,
                                     scale=layer_scale_init_value)
            self.drop_path = DropPath(drop_path_rate) \
                if drop_path_rate > 0 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.pos_embed(x)
        if self.reduces:
            return self.shortcut(x) + self._reduce(x)
        H, W = x.shape[-2:]
        t = to_tokens(x)
        t = t + self.drop_path(self.gamma1(self.attn(self.norm1(t))))
        t = t + self.drop_path(self.gamma2(self.mlp(self.norm2(t))))
        return to_map(t, H, W)

    def _reduce(self, x: torch.Tensor) -> torch.Tensor:
        H, W = x.shape[-2:]
        t = self.norm1(to_tokens(x))
        grid = self.pool(to_map(t, H, W))
        h, w = grid.shape[-2:]
        return to_map(self.gamma1(self.attn(to_tokens(grid))), h, w)
