from typing import Optional

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule, build_norm_layer
from mmcv.cnn.bricks import DropPath
from mmengine.model import BaseModule
from mmpretrain.models.utils import SELayer

from mmintern.registry import register_model

from .shortcut import make_shortcut


class InvertedResidual(BaseModule):
    """Shared skeleton of MBConv and FusedMBConv.

    ``out = shortcut(x) + drop_path(project(se(dw(expand(pre_norm(x))))))``,
    where a subclass decides which of ``pre_norm``, ``expand`` and ``dw``
    exist. The projection's BN starts at zero so that every block starts as
    its shortcut, as released.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int,
                 expansion: float, drop_path_rate: float,
                 norm_cfg: dict, act_cfg: dict,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.stride = stride
        self.hidden_channels = int(in_channels * expansion)
        self.norm_cfg = norm_cfg
        self.act_cfg = act_cfg
        self.shortcut = make_shortcut(in_channels, out_channels, stride)
        self.drop_path = DropPath(drop_path_rate) \
            if drop_path_rate > 0 else nn.Identity()
        self.pre_norm: Optional[nn.Module] = None
        self.expand: Optional[nn.Module] = None
        self.dw: Optional[nn.Module] = None

    def _make_expand(self, kernel_size: int, stride: int) -> None:
        self.pre_norm = build_norm_layer(self.norm_cfg, self.in_channels)[1]
        self.expand = ConvModule(
            self.in_channels, self.hidden_channels, kernel_size,
            stride=stride, padding=kernel_size // 2, bias=False,
            norm_cfg=self.norm_cfg, act_cfg=self.act_cfg)

    def _make_se_and_project(self, kernel_size: int, stride: int) -> None:
        # As released: squeeze to make_divisible(C // 4, 8), ReLU, and a
        # hard-sigmoid gate ((x + 3) / 6 clipped to [0, 1]).
        self.se = SELayer(self.hidden_channels, ratio=4, divisor=8,
                          act_cfg=(dict(type='ReLU'), dict(type='HSigmoid')))
        self.project = ConvModule(
            self.hidden_channels, self.out_channels, kernel_size,
            stride=stride, padding=kernel_size // 2, bias=True,
            norm_cfg=self.norm_cfg, act_cfg=None)
        nn.init.zeros_(self.project.norm.weight)

    def init_weights(self) -> None:
        # ConvModule.init_weights resets norms to one: zero the last BN again.
        super().init_weights()
        nn.init.zeros_(self.project.norm.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = x
        for layer in (self.pre_norm, self.expand, self.dw):
            if layer is not None:
                out = layer(out)
        out = self.project(self.se(out))
        return self.shortcut(x) + self.drop_path(out)


@register_model
class MBConv(InvertedResidual):
    """MBConv as released in MetaNet.

    BN -> 1x1 expand -> BN -> GELU -> depthwise 3x3 (carries the stride)
    -> BN -> GELU -> squeeze-excitation -> 1x1 project -> BN. The pre-norm
    and expansion are skipped when they would be an identity map
    (expansion 1 at stride 1).

    Args:
        in_channels (int): Input width.
        out_channels (int): Output width.
        stride (int): Stride of the depthwise conv. Defaults to 1.
        expansion (float): Hidden width over input width. Defaults to 4.
        drop_path_rate (float): Stochastic depth rate. Defaults to 0.
        norm_cfg (dict): Norm layers. Defaults to ``dict(type='BN')``.
        act_cfg (dict): Activations. Defaults to ``dict(type='GELU')``.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1,
                 expansion: float = 4., drop_path_rate: float = 0.,
                 norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='GELU'),
                 init_cfg: Optional[dict] = None):
        super().__init__(in_channels, out_channels, stride, expansion,
                         drop_path_rate, norm_cfg, act_cfg, init_cfg)
        hidden = self.hidden_channels
        if hidden != in_channels or stride != 1:
            self._make_expand(kernel_size=1, stride=1)
        self.dw = ConvModule(
            hidden, hidden, 3, stride=stride, padding=1, groups=hidden,
            bias=False, norm_cfg=norm_cfg, act_cfg=act_cfg)
        self._make_se_and_project(kernel_size=1, stride=1)


@register_model
class FusedMBConv(InvertedResidual):
    """FusedMBConv as released in MetaNet.

    BN -> full 3x3 expand (carries the stride) -> BN -> GELU ->
    squeeze-excitation -> 1x1 project -> BN. With expansion 1 there is no
    expand conv and the projection becomes the strided 3x3.

    Args: as :class:`MBConv`.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1,
                 expansion: float = 4., drop_path_rate: float = 0.,
                 norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='GELU'),
                 init_cfg: Optional[dict] = None):
        super().__init__(in_channels, out_channels, stride, expansion,
                         drop_path_rate, norm_cfg, act_cfg, init_cfg)
        if self.hidden_channels != in_channels:
            self._make_expand(kernel_size=3, stride=stride)
            self._make_se_and_project(kernel_size=1, stride=1)
        else:
            self._make_se_and_project(kernel_size=3, stride=stride)
