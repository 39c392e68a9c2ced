"""A light depth head on the four feature maps of a dense backbone."""
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule

from mmintern.registry import register_model

__all__ = ['DenseDepthHead']


@register_model
class DenseDepthHead(BaseModule):
    """FPN-style depth head: fuse 4 maps, predict ``sigmoid * max_depth``.

    The GV-B depth protocol keeps the backbone frozen and trains only this
    head, so it is small: a 1x1 lateral conv per level, a top-down sum with
    bilinear upsampling (FPN), a 3x3 conv on the stride-4 map, a 3x3 conv to
    one channel and a sigmoid scaled by ``max_depth``. mmseg's
    ``VPDDepthHead`` would also accept four maps, but it is the decoder of a
    diffusion backbone (a 1536-channel aggregation at stride 16 and three
    deconvolutions), far heavier than the head of a linear-ish probe.

    It is a drop-in ``decode_head`` of mmseg's ``DepthEstimator``: it has
    the ``align_corners`` / ``num_classes`` / ``out_channels`` attributes
    ``EncoderDecoder`` reads, ``loss(inputs, data_samples, train_cfg)`` and
    ``predict(inputs, batch_img_metas, test_cfg)``, the latter returning
    the depth at the padded input size as ``BaseDecodeHead.predict`` does.
    The loss (mmseg's ``SiLogLoss`` by default) is built with mmseg's
    registry when the head is built, so importing this module does not
    import mmseg.

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
    num_classes = 1
    out_channels = 1

    def __init__(self,
                 in_channels: Sequence[int] = (64, 128, 192, 384),
                 channels: int = 64,
                 max_depth: float = 10.,
                 in_index: Sequence[int] = (0, 1, 2, 3),
                 norm_cfg: dict = dict(type='BN'),
                 align_corners: bool = False,
                 loss_decode=dict(type='SiLogLoss'),
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if len(in_channels) != len(in_index):
            raise ValueError(f'in_channels {list(in_channels)} and in_index '
                             f'{list(in_index)} must have the same length')
        if max_depth <= 0:
            raise ValueError(f'max_depth must be positive, got {max_depth}')
        self.in_channels = list(in_channels)
        self.in_index = list(in_index)
        self.channels = channels
        self.max_depth = float(max_depth)
        self.align_corners = align_corners
        self.laterals = nn.ModuleList(
            nn.Conv2d(c, channels, 1) for c in self.in_channels)
        self.fuse = ConvModule(channels, channels, 3, padding=1,
                               norm_cfg=norm_cfg, act_cfg=dict(type='ReLU'))
        self.depth_pred = nn.Conv2d(channels, 1, 3, padding=1)
        self.losses = self._build_losses(loss_decode)

    @staticmethod
    def _build_losses(loss_decode) -> nn.ModuleList:
        # Imported here: the head is only ever built inside an mmseg model.
        from mmseg.registry import MODELS as SEG_MODELS
        configs = [loss_decode] if isinstance(loss_decode, dict) else list(
            loss_decode)
        losses = nn.ModuleList(SEG_MODELS.build(cfg) for cfg in configs)
        for loss in losses:
            if not getattr(loss, 'loss_name', '').startswith('loss_'):
                raise ValueError(f'{type(loss).__name__}.loss_name must '
                                 'start with "loss_" to be optimised')
        return losses

    def forward(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        """Depth at the finest input's stride, in (0, max_depth).

        Args:
            inputs (Sequence[Tensor]): The backbone's feature maps.

        Returns:
            Tensor: Shape (N, 1, H, W) of ``inputs[in_index[0]]``.
        """
        feats = [inputs[i] for i in self.in_index]
        fused = self.laterals[-1](feats[-1])
        # Top-down, coarsest to finest, as in FPN.
        for lateral, feat in zip(reversed(self.laterals[:-1]),
                                 reversed(feats[:-1])):
            fused = lateral(feat) + F.interpolate(
                fused, size=feat.shape[2:], mode='bilinear',
                align_corners=self.align_corners)
        return torch.sigmoid(self.depth_pred(self.fuse(fused))) * \
            self.max_depth

    def _resize(self, depth: torch.Tensor, size) -> torch.Tensor:
        return F.interpolate(depth, size=tuple(size), mode='bilinear',
                             align_corners=self.align_corners)

    def loss(self, inputs: Sequence[torch.Tensor], batch_data_samples: List,
             train_cfg=None) -> dict:
        """The losses against the samples' ``gt_depth_map``.

        The prediction is resized to the ground truth, whose pixels at 0
        (no measurement) the SiLog loss leaves out.
        """
        gt = torch.stack(
            [sample.gt_depth_map.data for sample in batch_data_samples])
        pred = self._resize(self.forward(inputs), gt.shape[2:])
        losses = {}
        for loss in self.losses:
            value = loss(pred, gt.to(pred))
            losses[loss.loss_name] = losses.get(loss.loss_name, 0) + value
        return losses

    def predict(self, inputs: Sequence[torch.Tensor],
                batch_img_metas: List[dict], test_cfg=None) -> torch.Tensor:
        """Depth at the (padded) network input size.

        ``DepthEstimator.postprocess_result`` then removes the padding and
        resizes it to the original image.
        """
        meta = batch_img_metas[0]
        if isinstance(meta['img_shape'], torch.Size):
            size: Tuple[int, int] = meta['img_shape']  # slide inference
        else:
            size = meta.get('pad_shape', meta['img_shape'])[:2]
        return self._resize(self.forward(inputs), size)
