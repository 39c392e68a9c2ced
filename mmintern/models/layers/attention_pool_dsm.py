from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from mmintern.registry import register_model
from .local_dsm import make_local_path
from .shortcut import make_shortcut
from .transformer_block import to_map, to_tokens


class AttentionPoolDSM(BaseModule):
    """Down-sampling by attention pooling: few queries, all keys.

    Each down-sampled position asks one query; keys and values come from
    every full-resolution token, so each output sees global context. The
    subclasses differ only in where the queries come from. Output:
    ``proj(attention) + shortcut(x)``.

    Args:
        in_channels (int): Input width.
        out_channels (int): Output width; a multiple of ``head_dim``.
        stride (int): Down-sampling factor. Defaults to 2.
        head_dim (int): Width per attention head. Defaults to 32.
        norm_cfg (dict): Norm of a convolutional query path. Defaults to BN.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 2,
                 head_dim: int = 32, norm_cfg: dict = dict(type='BN'),
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if out_channels % head_dim:
            raise ValueError(f'{type(self).__name__}: out_channels '
                             f'{out_channels} is not a multiple of head_dim '
                             f'{head_dim}')
        self.num_heads = out_channels // head_dim
        self.stride = stride
        self.query = self.make_query(in_channels, out_channels, stride,
                                     norm_cfg)
        self.q_norm = nn.LayerNorm(out_channels)
        self.kv_norm = nn.LayerNorm(in_channels)
        self.kv = nn.Linear(in_channels, out_channels * 2)
        self.proj = nn.Linear(out_channels, out_channels)
        self.shortcut = make_shortcut(in_channels, out_channels, stride)

    def make_query(self, in_channels: int, out_channels: int, stride: int,
                   norm_cfg: dict) -> nn.Module:
        raise NotImplementedError

    def queries(self, x: torch.Tensor) -> torch.Tensor:
        """Query map (B, out_channels, H / stride, W / stride)."""
        return self.query(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q_map = self.queries(x)
        B, C, h, w = q_map.shape
        heads = self.num_heads
        q = self.q_norm(to_tokens(q_map))
        q = q.reshape(B, h * w, heads, C // heads).transpose(1, 2)
        kv = self.kv(self.kv_norm(to_tokens(x)))
        k, v = kv.reshape(B, -1, 2, heads, C // heads).permute(
            2, 0, 3, 1, 4).unbind(0)
        out = F.scaled_dot_product_attention(q, k, v)
        out = self.proj(out.transpose(1, 2).reshape(B, h * w, C))
        return to_map(out, h, w) + self.shortcut(x)


@register_model
class LocalGlobalDSM(AttentionPoolDSM):
    """Local-global down-sampling module (LG-DSM, UniNet).

    Queries from the L-DSM local path (strided depthwise 3x3 -> BN -> 1x1),
    keys and values from all input tokens. Args: as
    :class:`AttentionPoolDSM`.
    """

    def make_query(self, in_channels, out_channels, stride, norm_cfg):
        return make_local_path(in_channels, out_channels, stride, norm_cfg)


@register_model
class GlobalDSM(AttentionPoolDSM):
    """Global down-sampling module (G-DSM).

    No public code exists; our design keeps the attention pooling of LG-DSM
    and drops its local conv path: queries are average-pooled input tokens
    (3x3 window, the down-sampling stride) under a linear projection, so the
    module sees each position only through global attention plus the
    max-pool shortcut. Args: as :class:`AttentionPoolDSM`.
    """

    def make_query(self, in_channels, out_channels, stride, norm_cfg):
        return nn.Linear(in_channels, out_channels)

    def queries(self, x: torch.Tensor) -> torch.Tensor:
        pooled = F.avg_pool2d(x, 3, self.stride, padding=1,
                              count_include_pad=False)
        h, w = pooled.shape[-2:]
        return to_map(self.query(to_tokens(pooled)), h, w)
