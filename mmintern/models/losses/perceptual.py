"""A perceptual distance on a frozen backbone's features.

The VQ-GAN's perceptual term (LPIPS in taming-transformers) needs a VGG
download, which does not exist here; MF's point is that re-encoded images
look like upstream data *to the pretrained model*, so the distance is
measured on that model instead: the upstream backbone (the distilled
MetaNet), frozen. Per output map, features are scaled to unit length
along the channels, their squared difference summed over channels and
averaged over locations (LPIPS without its learned channel weights); the
maps' distances are averaged.
"""
from typing import Sequence

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmengine.registry import MODELS as ROOT_MODELS

from mmintern.registry import register_model

IMAGENET_MEAN = (123.675, 116.28, 103.53)
IMAGENET_STD = (58.395, 57.12, 57.375)


@register_model
class BackbonePerceptualLoss(BaseModule):
    """Args:
        backbone (dict): The frozen backbone (any registered model whose
            forward gives a tuple of maps, e.g. ``MetaNet`` with
            ``out_indices``); its ``init_cfg`` loads its weights.
        mean, std (sequence): Its input normalisation on the 0-255 scale
            (ImageNet's, MetaNet's default).
    """

    def __init__(self, backbone: dict,
                 mean: Sequence[float] = IMAGENET_MEAN,
                 std: Sequence[float] = IMAGENET_STD, init_cfg=None):
        super().__init__(init_cfg)
        self.backbone = ROOT_MODELS.build(backbone)
        self.backbone.requires_grad_(False)
        self.register_buffer('mean', torch.tensor(mean).view(1, 3, 1, 1),
                             persistent=False)
        self.register_buffer('std', torch.tensor(std).view(1, 3, 1, 1),
                             persistent=False)

    def train(self, mode: bool = True):
        # Frozen means eval-mode statistics too, whatever the runner says.
        super().train(mode)
        self.backbone.eval()
        return self

    def _features(self, img: torch.Tensor):
        """``img`` in [-1, 1] -> the backbone's maps."""
        x = ((img + 1) * 127.5 - self.mean) / self.std
        out = self.backbone(x)
        return out if isinstance(out, (tuple, list)) else (out, )

    def forward(self, pred: torch.Tensor, target: torch.Tensor
                ) -> torch.Tensor:
        with torch.no_grad():
            targets = self._features(target)
        preds = self._features(pred)
        if len(preds) != len(targets):
            raise RuntimeError('the backbone gave a different number of maps '
                               'for the two images')
        distances = [(F.normalize(p, dim=1) - F.normalize(t, dim=1)).pow(2)
                     .sum(1).mean() for p, t in zip(preds, targets)]
        return torch.stack(distances).mean()
