"""A light depth head on the four feature maps of a dense backbone.

A subclass of mmseg's ``BaseDecodeHead``, so this module imports mmseg. It
is not imported by ``import mmintern``: mmintern's model registry lists it
as a lazy location (``mmintern.registry``), imported on the first lookup of
``type='mmintern.DenseDepthHead'``, the name the depth configs use.
"""
import warnings
from typing import List, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.models.utils import resize

from mmintern.registry import register_model

__all__ = ['DenseDepthHead']


@register_model
class DenseDepthHead(BaseDecodeHead):
    """FPN-style depth head: fuse 4 maps, predict ``sigmoid * max_depth``.

    The GV-B depth protocol keeps the backbone frozen and trains only this
    head, so it is small: a 1x1 lateral conv per level, a top-down sum with
    bilinear upsampling (FPN), a 3x3 conv on the stride-4 map, a 3x3 conv to
    one channel (``conv_seg``) and a sigmoid scaled by ``max_depth``.
    mmseg's ``VPDDepthHead`` would also accept four maps, but it is the
    decoder of a diffusion backbone (a 1536-channel aggregation at stride 16
    and three deconvolutions), far heavier than the head of a linear-ish
    probe.

    The ``decode_head`` of mmseg's ``DepthEstimator``: ``BaseDecodeHead``
    gives the input selection, the loss modules (mmseg's ``SiLogLoss`` by
    default) and ``predict`` (the depth at the padded input size); this
    class adds the fusion and the loss against ``gt_depth_map``.

    Args:
        in_channels (Sequence[int]): Channels of the input maps, finest
            first. Defaults to MetaNet-B4's ``(64, 128, 192, 384)``.
        channels (int): Width of the fused features. Defaults to 64.
        max_depth (float): Largest predicted depth, in metres.
            Defaults to 10.
        in_index (Sequence[int]): Which backbone outputs to read, finest
            first. Defaults to ``(0, 1, 2, 3)``.
        norm_cfg (dict): Norm of the fusion conv. Defaults to BN.
        align_corners (bool): Of the bilinear resizes. Defaults to False.
        loss_decode (dict | Sequence[dict]): Loss config(s), built with
            mmseg's registry; their ``loss_name`` must start with
            ``loss_``. Defaults to ``dict(type='SiLogLoss')``.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 in_channels: Sequence[int] = (64, 128, 192, 384),
                 channels: int = 64,
                 max_depth: float = 10.,
                 in_index: Sequence[int] = (0, 1, 2, 3),
                 norm_cfg: dict = dict(type='BN'),
                 align_corners: bool = False,
                 loss_decode=dict(type='SiLogLoss'),
                 init_cfg=None):
        if len(in_channels) != len(in_index):
            raise ValueError(f'in_channels {list(in_channels)} and in_index '
                             f'{list(in_index)} must have the same length')
        if max_depth <= 0:
            raise ValueError(f'max_depth must be positive, got {max_depth}')
        with warnings.catch_warnings():
            # One output channel makes BaseDecodeHead warn that a binary
            # segmentation threshold defaults to 0.3; depth has none.
            warnings.simplefilter('ignore')
            super().__init__(
                list(in_channels), channels, num_classes=1, out_channels=1,
                dropout_ratio=0, norm_cfg=norm_cfg, in_index=list(in_index),
                input_transform='multiple_select', loss_decode=loss_decode,
                align_corners=align_corners, init_cfg=init_cfg)
        self.max_depth = float(max_depth)
        for loss in self.loss_modules:
            if not getattr(loss, 'loss_name', '').startswith('loss_'):
                raise ValueError(f'{type(loss).__name__}.loss_name must '
                                 'start with "loss_" to be optimised')
        self.laterals = nn.ModuleList(
            nn.Conv2d(c, channels, 1) for c in self.in_channels)
        self.fuse = ConvModule(channels, channels, 3, padding=1,
                               norm_cfg=norm_cfg, act_cfg=dict(type='ReLU'))
        # The depth predictor: a 3x3 conv instead of the base's 1x1.
        self.conv_seg = nn.Conv2d(channels, 1, 3, padding=1)

    @property
    def loss_modules(self) -> List[nn.Module]:
        """``loss_decode`` as a list (BaseDecodeHead keeps one loss bare)."""
        if isinstance(self.loss_decode, nn.ModuleList):
            return list(self.loss_decode)
        return [self.loss_decode]

    def forward(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        """Depth at the finest input's stride, in (0, max_depth).

        Args:
            inputs (Sequence[Tensor]): The backbone's feature maps.

        Returns:
            Tensor: Shape (N, 1, H, W) of ``inputs[in_index[0]]``.
        """
        feats = self._transform_inputs(inputs)
        fused = self.laterals[-1](feats[-1])
        # Top-down, coarsest to finest, as in FPN.
        for lateral, feat in zip(reversed(self.laterals[:-1]),
                                 reversed(feats[:-1])):
            fused = lateral(feat) + F.interpolate(
                fused, size=feat.shape[2:], mode='bilinear',
                align_corners=self.align_corners)
        return torch.sigmoid(self.cls_seg(self.fuse(fused))) * \
            self.max_depth

    def loss_by_feat(self, depth: torch.Tensor,
                     batch_data_samples: List) -> dict:
        """The losses against the samples' ``gt_depth_map``.

        The prediction is resized to the ground truth, whose pixels at 0
        (no measurement) the SiLog loss leaves out.
        """
        gt = torch.stack(
            [sample.gt_depth_map.data for sample in batch_data_samples])
        pred = resize(depth, size=gt.shape[2:], mode='bilinear',
                      align_corners=self.align_corners)
        losses = {}
        for loss in self.loss_modules:
            value = loss(pred, gt.to(pred))
            losses[loss.loss_name] = losses.get(loss.loss_name, 0) + value
        return losses
