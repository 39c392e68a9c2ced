"""Image-text InfoNCE of DeCLIP (INTERN's Up-A), over the global batch.

DeCLIP: Supervision Exists Everywhere (https://arxiv.org/abs/2110.05208).
"""
import math
from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.dist import get_dist_info

from mmintern.registry import register_model
from .gather import gather_with_grad

__all__ = ['SymmetricInfoNCELoss', 'MultiViewInfoNCELoss']

Views = Union[torch.Tensor, Sequence[torch.Tensor]]


@register_model
class SymmetricInfoNCELoss(nn.Module):
    """CLIP's symmetric image-text InfoNCE with a learnable logit scale.

    Features are L2-normalised and all-gathered (with gradients) across
    ranks; each rank scores its ``B`` local images against all
    ``world_size * B`` texts and its local texts against all images, with
    the positive of local sample ``i`` at column ``rank * B + i``. The loss
    is the mean of the image->text and text->image cross-entropies.

    Args:
        logit_scale_init (float): Initial *log* of the logit scale (inverse
            temperature). Defaults to ``log(1 / 0.07)``.
        max_logit_scale (float): The scale is clamped to at most this value
            (CLIP's guard against a collapsing temperature). Defaults to 100.
        learnable_scale (bool): Whether the logit scale is a parameter.
            Defaults to True.
        loss_weight (float): Multiplier of the loss. Defaults to 1.0.
    """

    def __init__(self,
                 logit_scale_init: float = math.log(1 / 0.07),
                 max_logit_scale: float = 100.,
                 learnable_scale: bool = True,
                 loss_weight: float = 1.0):
        super().__init__()
        if max_logit_scale <= 0:
            raise ValueError(
                f'max_logit_scale must be positive, got {max_logit_scale}')
        scale = torch.tensor(float(logit_scale_init))
        if learnable_scale:
            self.logit_scale = nn.Parameter(scale)
        else:
            self.register_buffer('logit_scale', scale)
        self.max_logit_scale = float(max_logit_scale)
        self.loss_weight = loss_weight

    def scale(self) -> torch.Tensor:
        """The logit scale, ``exp(logit_scale)`` clamped to the maximum."""
        # Clamping the log keeps the gradient exactly zero once the cap is
        # reached, as clamping the parameter in place after the step would.
        return self.logit_scale.clamp(
            max=math.log(self.max_logit_scale)).exp()

    @staticmethod
    def prepare(feats: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Normalise local features and gather them: ``(local, global)``."""
        if feats.dim() != 2:
            raise ValueError('features must be [batch, dim], got shape '
                             f'{tuple(feats.shape)}')
        feats = F.normalize(feats, dim=-1)
        return feats, gather_with_grad(feats)

    def pair_loss(self, image: Tuple[torch.Tensor, torch.Tensor],
                  text: Tuple[torch.Tensor, torch.Tensor],
                  scale: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Unweighted symmetric loss of already prepared features.

        Args:
            image, text: ``(local, global)`` pairs from :meth:`prepare`.
            scale (Tensor, optional): Logit scale; None uses :meth:`scale`.
        """
        (img_local, img_all), (txt_local, txt_all) = image, text
        if img_local.shape != txt_local.shape:
            raise ValueError(
                'image and text features must have the same shape, got '
                f'{tuple(img_local.shape)} and {tuple(txt_local.shape)}')
        if scale is None:
            scale = self.scale()
        rank, _ = get_dist_info()
        batch = img_local.shape[0]
        labels = torch.arange(batch, device=img_local.device) + rank * batch
        logits_per_image = scale * img_local @ txt_all.t()
        logits_per_text = scale * txt_local @ img_all.t()
        return (F.cross_entropy(logits_per_image, labels) +
                F.cross_entropy(logits_per_text, labels)) / 2

    def forward(self, image_feats: torch.Tensor,
                text_feats: torch.Tensor) -> torch.Tensor:
        """Weighted loss of local ``[B, D]`` image and text embeddings."""
        return self.loss_weight * self.pair_loss(
            self.prepare(image_feats), self.prepare(text_feats))


@register_model
class MultiViewInfoNCELoss(nn.Module):
    """DeCLIP's multi-view supervision: InfoNCE averaged over all pairings
    of image views and text views (2 x 2 = 4 in DeCLIP: two augmented
    images and the caption plus its EDA-augmented copy).

    Each view is normalised and gathered once, and every pairing shares one
    logit scale.

    Args:
        loss_weight (float): Multiplier of the averaged loss. Defaults to
            0.4, DeCLIP's weight for ResNet-50.
        **kwargs: Passed to :class:`SymmetricInfoNCELoss` (logit scale
            settings); its own ``loss_weight`` stays 1.
    """

    def __init__(self, loss_weight: float = 0.4, **kwargs):
        super().__init__()
        self.infonce = SymmetricInfoNCELoss(**kwargs)
        self.loss_weight = loss_weight

    @staticmethod
    def _views(feats: Views, name: str) -> Sequence[torch.Tensor]:
        if isinstance(feats, torch.Tensor):
            return [feats]
        feats = list(feats)
        if not feats:
            raise ValueError(f'{name} needs at least one view')
        return feats

    def forward(self, image_feats: Views, text_feats: Views) -> torch.Tensor:
        """Weighted mean loss over all (image view, text view) pairings.

        Args:
            image_feats: One ``[B, D]`` tensor or a sequence of views.
            text_feats: One ``[B, D]`` tensor or a sequence of views.
        """
        images = [self.infonce.prepare(x)
                  for x in self._views(image_feats, 'image_feats')]
        texts = [self.infonce.prepare(x)
                 for x in self._views(text_feats, 'text_feats')]
        scale = self.infonce.scale()
        losses = [self.infonce.pair_loss(img, txt, scale)
                  for img in images for txt in texts]
        return self.loss_weight * torch.stack(losses).mean()
