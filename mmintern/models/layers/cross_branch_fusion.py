"""Cross-branch fusion of Up-G, INTERN's generalist backbone.

INTERN: A New Learning Paradigm Towards General Vision
(https://arxiv.org/abs/2111.08687), Sec. 3.3 ("mixed parameter sharing"):
the main branch adds the other branches' features at the outputs of its
stages, each through a small projection initialised at zero, so that
training starts from the main branch alone.
"""
from typing import Optional, Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule

from mmintern.registry import register_model

__all__ = ['CrossBranchFusion']


@register_model
class CrossBranchFusion(BaseModule):
    """Project another branch's feature onto the main branch's.

    A 1x1 conv (``in_channels -> out_channels``, no bias) and a norm whose
    weight and bias start at zero, then a nearest resize to the main
    branch's spatial size. At initialisation the output is exactly zero, so
    ``main + fusion(other)`` equals ``main``: the weights are zeroed in the
    constructor and again by :meth:`init_weights`, after any ``init_cfg`` of
    this module or of its parents (a ``Pretrained`` one of a parent still
    loads on top, as mmengine runs those last).

    The input is not detached here: :class:`UpGGeneralist` detaches the
    other branches' outputs. A pooled ``(N, C)`` vector is fused as a
    ``(N, C, 1, 1)`` map and returned as a vector.

    Args:
        in_channels (int): Channels of the other branch's feature.
        out_channels (int): Channels of the main branch's feature.
        norm_cfg (dict): Norm after the conv. Defaults to BN.
        init_cfg (dict | list, optional): Initialization config (the zero
            init of the norm is applied after it).
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 norm_cfg: dict = dict(type='BN'),
                 init_cfg: Optional[Union[dict, list]] = None):
        super().__init__(init_cfg=init_cfg)
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.conv = nn.Conv2d(in_channels, out_channels, 1, bias=False)
        self.norm_name, norm = build_norm_layer(norm_cfg, out_channels)
        self.add_module(self.norm_name, norm)
        self.zero_init()

    @property
    def norm(self) -> nn.Module:
        return getattr(self, self.norm_name)

    def zero_init(self) -> None:
        """Zero the norm's affine parameters: the output becomes zero."""
        if getattr(self.norm, 'weight', None) is None:
            raise ValueError('CrossBranchFusion needs an affine norm to start '
                             'at zero')
        nn.init.zeros_(self.norm.weight)
        if getattr(self.norm, 'bias', None) is not None:
            nn.init.zeros_(self.norm.bias)

    def init_weights(self) -> None:
        super().init_weights()
        self.zero_init()

    def forward(self, x: torch.Tensor,
                size: Optional[Sequence[int]] = None) -> torch.Tensor:
        """Project ``x`` and resize it (nearest) to ``size`` (H, W)."""
        vector = x.dim() == 2
        if vector:
            x = x[:, :, None, None]
        y = self.norm(self.conv(x))
        if vector:
            return y.flatten(1)
        if size is not None and tuple(y.shape[-2:]) != tuple(size):
            y = F.interpolate(y, size=tuple(size), mode='nearest')
        return y
