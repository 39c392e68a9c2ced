"""SimSiam self-supervision of the image views, a DeCLIP (Up-A) term.

Exploring Simple Siamese Representation Learning
(https://arxiv.org/abs/2011.10566). Built from mmpretrain's SimSiam pieces:
``NonLinearNeck`` (projector and predictor), ``LatentPredictHead`` (predict,
stop the target's gradient) and ``CosineSimilarityLoss``.
"""
from typing import Tuple

import torch
from mmengine.model import BaseModule
from mmpretrain.models.heads import LatentPredictHead
from mmpretrain.models.necks import NonLinearNeck

from mmintern.registry import register_model

__all__ = ['SimSiamHead']


@register_model
class SimSiamHead(BaseModule):
    """SimSiam projector, predictor and symmetric loss on pooled features.

    Projector: three linear layers with BN (ReLU after the first two, the
    last BN without affine parameters, as SimSiam). Predictor: a two-layer
    bottleneck MLP (BN and ReLU in the bottleneck). The loss is
    ``-(cos(p1, sg(z2)) + cos(p2, sg(z1))) / 2`` times ``loss_weight``; the
    stop-gradient on the projections ``z`` is what keeps SimSiam from
    collapsing without negatives.

    Args:
        in_channels (int): Width of the image features.
        proj_channels (int): Width of the projector (hidden and output).
            Defaults to 2048.
        pred_channels (int): Bottleneck width of the predictor. Defaults to
            512.
        loss_weight (float): Multiplier in :meth:`loss`. Defaults to 0.2,
            DeCLIP's weight for ResNet-50.
    """

    def __init__(self,
                 in_channels: int,
                 proj_channels: int = 2048,
                 pred_channels: int = 512,
                 loss_weight: float = 0.2):
        super().__init__()
        # Plain BN (NonLinearNeck defaults to SyncBN): statistics per
        # process and view, as before, and DDP on CPU (gloo) works.
        norm_cfg = dict(type='BN1d')
        self.projector = NonLinearNeck(
            in_channels, proj_channels, proj_channels, num_layers=3,
            with_last_bn_affine=False, with_avg_pool=False,
            norm_cfg=norm_cfg)
        # Scoped type names: mmpretrain's registry builds them under any
        # default scope (mmdet's and mmseg's registries cannot see them).
        self.predict = LatentPredictHead(
            loss=dict(type='mmpretrain.CosineSimilarityLoss'),
            predictor=dict(type='mmpretrain.NonLinearNeck',
                           in_channels=proj_channels,
                           hid_channels=pred_channels,
                           out_channels=proj_channels, num_layers=2,
                           with_avg_pool=False, with_last_bn=False,
                           with_last_bias=True, norm_cfg=norm_cfg))
        self.loss_weight = loss_weight

    def project(self, x: torch.Tensor) -> torch.Tensor:
        return self.projector((x, ))[0]

    def forward(self, x1: torch.Tensor, x2: torch.Tensor
                ) -> Tuple[torch.Tensor, ...]:
        """``(p1, p2, z1, z2)``: predictions and projections of two views."""
        z1, z2 = self.project(x1), self.project(x2)
        predictor = self.predict.predictor
        return predictor([z1])[0], predictor([z2])[0], z1, z2

    def loss(self, x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
        """The weighted symmetric loss of two views' features ``[B, C]``."""
        if x1.shape != x2.shape:
            raise ValueError('the two views need one shape, got '
                             f'{tuple(x1.shape)} and {tuple(x2.shape)}')
        z1, z2 = self.project(x1), self.project(x2)
        loss = (self.predict.loss(z1, z2) + self.predict.loss(z2, z1)) / 2
        return self.loss_weight * loss
