"""SimSiam self-supervision of the image views, a DeCLIP (Up-A) term.

Exploring Simple Siamese Representation Learning
(https://arxiv.org/abs/2011.10566).
"""
from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmintern.registry import register_model

__all__ = ['SimSiamHead', 'simsiam_loss']


def simsiam_loss(p1: torch.Tensor, p2: torch.Tensor, z1: torch.Tensor,
                 z2: torch.Tensor) -> torch.Tensor:
    """Symmetric negative cosine similarity with stop-gradient.

    ``-(cos(p1, sg(z2)) + cos(p2, sg(z1))) / 2``, each cosine averaged over
    the batch. The stop-gradient on the projections ``z`` is what keeps
    SimSiam from collapsing without negatives; the range is ``[-1, 1]``.

    Args:
        p1, p2 (Tensor): Predictions of views 1 and 2, ``[B, D]``.
        z1, z2 (Tensor): Projections (targets) of views 1 and 2, ``[B, D]``.
    """
    if not p1.shape == p2.shape == z1.shape == z2.shape:
        raise ValueError(
            'p1, p2, z1, z2 must have one shape, got '
            f'{[tuple(t.shape) for t in (p1, p2, z1, z2)]}')
    return -(F.cosine_similarity(p1, z2.detach(), dim=-1).mean() +
             F.cosine_similarity(p2, z1.detach(), dim=-1).mean()) / 2


@register_model
class SimSiamHead(nn.Module):
    """SimSiam projector and predictor on pooled image features.

    Projector: three linear layers with BN (ReLU after the first two, the
    last BN without affine parameters, as SimSiam). Predictor: a two-layer
    bottleneck MLP (BN and ReLU in the bottleneck).

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
        # The linear layers before a BN carry no bias: BN removes it.
        self.projector = nn.Sequential(
            nn.Linear(in_channels, proj_channels, bias=False),
            nn.BatchNorm1d(proj_channels), nn.ReLU(inplace=True),
            nn.Linear(proj_channels, proj_channels, bias=False),
            nn.BatchNorm1d(proj_channels), nn.ReLU(inplace=True),
            nn.Linear(proj_channels, proj_channels, bias=False),
            nn.BatchNorm1d(proj_channels, affine=False))
        self.predictor = nn.Sequential(
            nn.Linear(proj_channels, pred_channels, bias=False),
            nn.BatchNorm1d(pred_channels), nn.ReLU(inplace=True),
            nn.Linear(pred_channels, proj_channels))
        self.loss_weight = loss_weight

    def forward(self, x1: torch.Tensor, x2: torch.Tensor
                ) -> Tuple[torch.Tensor, ...]:
        """Return ``(p1, p2, z1, z2)`` of two views' features ``[B, C]``."""
        z1, z2 = self.projector(x1), self.projector(x2)
        return self.predictor(z1), self.predictor(z2), z1, z2

    def loss(self, x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
        """Weighted :func:`simsiam_loss` of two views' features."""
        return self.loss_weight * simsiam_loss(*self(x1, x2))
