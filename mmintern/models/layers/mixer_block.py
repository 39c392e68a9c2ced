from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn.bricks import DropPath
from mmcv.cnn.bricks.scale import LayerScale
from mmcv.cnn.bricks.transformer import FFN
from mmengine.model import BaseModule

from mmintern.registry import register_model

from .shortcut import make_shortcut
from .transformer_block import to_map, to_tokens


@register_model
class MixerBlock(BaseModule):
    """MLP-Mixer block of the MetaNet search space (unused by released archs).

    The released mixer mixed all tokens with an MLP sized for one input
    resolution. To stay resolution-agnostic, ours mixes tokens inside
    non-overlapping ``window_size`` x ``window_size`` windows (the map is
    zero-padded to whole windows), then mixes channels:
    ``x + LS(token_mlp(LN(x)))`` and ``x + LS(channel_mlp(LN(x)))``.
    Where the shape changes, the max-pool + 1x1 shortcut first brings the
    map to the new stride and width.

    Args:
        in_channels (int): Input width.
        out_channels (int): Output width.
        stride (int): Down-sampling factor. Defaults to 1.
        expansion (float): Channel-MLP hidden width ratio. Defaults to 4.
        window_size (int): Side of a token-mixing window. Defaults to 7.
        token_expansion (float): Token-MLP hidden ratio. Defaults to 2.
        drop_path_rate (float): Stochastic depth rate. Defaults to 0.
        layer_scale_init_value (float): LayerScale init. Defaults to 1e-6.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1,
                 expansion: float = 4., window_size: int = 7,
                 token_expansion: float = 2., drop_path_rate: float = 0.,
                 layer_scale_init_value: float = 1e-6,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.window_size = window_size
        self.entry = make_shortcut(in_channels, out_channels, stride)
        tokens = window_size * window_size
        self.norm1 = nn.LayerNorm(out_channels)
        self.token_mlp = FFN(
            embed_dims=tokens,
            feedforward_channels=int(tokens * token_expansion),
            act_cfg=dict(type='GELU'), add_identity=False)
        self.gamma1 = LayerScale(out_channels, data_format='channels_first',
                                 scale=layer_scale_init_value)
        self.norm2 = nn.LayerNorm(out_channels)
        self.channel_mlp = FFN(
            embed_dims=out_channels,
            feedforward_channels=int(out_channels * expansion),
            act_cfg=dict(type='GELU'), add_identity=False)
        self.gamma2 = LayerScale(out_channels, scale=layer_scale_init_value)
        self.drop_path = DropPath(drop_path_rate) \
            if drop_path_rate > 0 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.entry(x)
        normed = self.norm1(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        x = x + self.drop_path(self.gamma1(self._mix_tokens(normed)))
        H, W = x.shape[-2:]
        t = to_tokens(x)
        t = t + self.drop_path(self.gamma2(self.channel_mlp(self.norm2(t))))
        return to_map(t, H, W)

    def _mix_tokens(self, x: torch.Tensor) -> torch.Tensor:
        B, C, H, W = x.shape
        s = self.window_size
        x = F.pad(x, (0, -W % s, 0, -H % s))
        nh, nw = x.shape[-2] // s, x.shape[-1] // s
        windows = x.reshape(B, C, nh, s, nw, s).permute(0, 2, 4, 1, 3, 5)
        windows = self.token_mlp(windows.reshape(-1, C, s * s))
        x = windows.reshape(B, nh, nw, C, s, s).permute(0, 3, 1, 4, 2, 5)
        return x.reshape(B, C, nh * s, nw * s)[:, :, :H, :W]
