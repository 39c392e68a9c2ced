"""Up-A-L: local (dense) self-supervision, the second phase of INTERN's Up-A.

Up-A-G (DeCLIP, :class:`mmintern.models.algorithms.DeCLIP`) learns global
image-text alignment; Up-A-L then tunes its image encoder for dense
prediction with two image views and no text: a dense SimSiam term between
the views' feature maps (each location predicts the projection of its
feature-matched location in the other view,
:mod:`mmintern.models.losses.dense_simsiam`) and a global SimSiam term on
the average-pooled maps, which keeps the image-level representation from
drifting while the maps are tuned (DenseCL's global + dense split, with
SimSiam's negative-free objective in place of DenseCL's queues).

Batch format
------------
``forward(inputs, data_samples, mode='loss')``: ``inputs`` is a list/tuple
of exactly two normalised image views ``[B, 3, H, W]`` (what mmpretrain's
``MultiView(num_views=2)`` + ``PackInputs`` + ``SelfSupDataPreprocessor``
give); ``data_samples`` is not used.

``mode='tensor'`` takes one view (a tensor, or the first of a list) and
returns the backbone's outputs (a tuple of maps). ``mode='predict'`` raises:
Up-A-L is a pre-training stage with no predictions; its product is the
``backbone.*`` weights, which load into MetaNet-based detectors and
segmentors with that prefix.
"""
from typing import Dict, Optional, Sequence

import torch
import torch.nn as nn
from mmengine.model import BaseModel
from mmengine.registry import MODELS as ROOT_MODELS

from mmintern.registry import register_model
from ..losses.dense_simsiam import dense_simsiam_loss, match_locations
from ..losses.simsiam import SimSiamHead
from ..utils import last_output_width

__all__ = ['UpALocal']


@register_model
class UpALocal(BaseModel):
    """Up-A-L: dense + global SimSiam between two views of an image.

    ``loss_dense`` is ``dense_weight`` times the mean of the a->b and b->a
    :func:`dense_simsiam_loss`, with correspondences from
    :func:`match_locations` on the backbone maps (DenseCL matches on the
    backbone, not the projections: the backbone features are what the
    pre-trained encoder already knows, and they do not move with the
    freshly initialized projector). ``loss_global`` is ``global_weight``
    times the symmetric SimSiam loss of the
    :class:`SimSiamHead` on the average-pooled maps. Each term lies in
    ``[-weight, weight]``.

    Args:
        backbone (dict): Config of any registered backbone (mmengine's root
            registry), e.g. ``dict(type='MetaNet', arch='b1',
            out_indices=(4,))``. Its last output is used and must be a map
            ``[B, C, H, W]``. Kept as the attribute ``backbone`` so the
            weights load into detectors/segmentors with prefix
            ``backbone.``.
        in_channels (int, optional): Channels of that map. None reads
            ``out_channels[out_indices[-1]]`` of the backbone (MetaNet) or
            runs a dummy 64x64 forward.
        dense_channels (int): Width of the dense projector (hidden and
            output) and of the global SimSiam projector. Defaults to 128.
        pred_channels (int): Bottleneck width of the dense and global
            predictors. Defaults to 32.
        global_weight (float): Weight of ``loss_global``; 0 turns the term
            off (no head is built, nothing is computed, the key is absent).
            Defaults to 0.5.
        dense_weight (float): Weight of ``loss_dense``; 0 turns it off
            likewise. Defaults to 0.5.
        data_preprocessor (dict, optional): e.g. mmpretrain's
            ``SelfSupDataPreprocessor``, which keeps the two views apart.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 backbone: dict,
                 in_channels: Optional[int] = None,
                 dense_channels: int = 128,
                 pred_channels: int = 32,
                 global_weight: float = 0.5,
                 dense_weight: float = 0.5,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        for name, value in (('dense_channels', dense_channels),
                            ('pred_channels', pred_channels)):
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f'{name} must be a positive int, got '
                                 f'{value!r}')
        for name, value in (('global_weight', global_weight),
                            ('dense_weight', dense_weight)):
            if value < 0:
                raise ValueError(f'{name} must be >= 0 (0 turns the term '
                                 f'off), got {value}')
        if global_weight == 0 and dense_weight == 0:
            raise ValueError('UpALocal needs a term: global_weight and '
                             'dense_weight are both 0')
        self.global_weight = float(global_weight)
        self.dense_weight = float(dense_weight)

        self.backbone = ROOT_MODELS.build(backbone)
        if in_channels is None:
            in_channels = last_output_width(self.backbone)
        self.in_channels = int(in_channels)

        # Modules of a term that is off are not built: unused parameters
        # would break DDP (without find_unused_parameters) and AdamW would
        # still decay them for nothing.
        self.dense_projector = self.dense_predictor = None
        if self.dense_weight > 0:
            # 1x1 convs are the per-location counterpart of SimSiam's MLPs.
            # The conv before a BN carries no bias: BN removes it.
            self.dense_projector = nn.Sequential(
                nn.Conv2d(self.in_channels, dense_channels, 1, bias=False),
                nn.BatchNorm2d(dense_channels), nn.ReLU(inplace=True),
                nn.Conv2d(dense_channels, dense_channels, 1))
            self.dense_predictor = nn.Sequential(
                nn.Conv2d(dense_channels, pred_channels, 1, bias=False),
                nn.BatchNorm2d(pred_channels), nn.ReLU(inplace=True),
                nn.Conv2d(pred_channels, dense_channels, 1))
        self.global_head = None
        if self.global_weight > 0:
            self.global_head = SimSiamHead(
                self.in_channels, dense_channels, pred_channels,
                loss_weight=self.global_weight)

    # ------------------------------------------------------------------
    @staticmethod
    def _last_map(feats) -> torch.Tensor:
        if isinstance(feats, (list, tuple)):
            feats = feats[-1]
        if not isinstance(feats, torch.Tensor) or feats.dim() != 4:
            shape = tuple(feats.shape) if isinstance(feats, torch.Tensor) \
                else type(feats).__name__
            raise ValueError(
                'UpALocal needs a dense map [B, C, H, W] as the backbone\'s '
                f'last output, got {shape}; for MetaNet return a stage map, '
                'e.g. out_indices=(4,), not the pooled head vector (-1)')
        return feats

    def extract_map(self, img: torch.Tensor) -> torch.Tensor:
        """The backbone's last map ``[B, C, H, W]`` of one view."""
        return self._last_map(self.backbone(img))

    @staticmethod
    def _two_views(inputs) -> Sequence[torch.Tensor]:
        if isinstance(inputs, torch.Tensor) or \
                not isinstance(inputs, (list, tuple)):
            raise TypeError(
                'UpALocal.loss needs a list/tuple of two image views [B, 3, '
                'H, W] (MultiView(num_views=2) + PackInputs + '
                f'SelfSupDataPreprocessor), got {type(inputs).__name__}')
        if len(inputs) != 2:
            raise ValueError(f'UpALocal.loss needs exactly two image views, '
                             f'got {len(inputs)}; use MultiView(num_views=2)')
        for i, view in enumerate(inputs):
            if not isinstance(view, torch.Tensor) or view.dim() != 4:
                shape = tuple(view.shape) if isinstance(view, torch.Tensor) \
                    else type(view).__name__
                raise ValueError(f'view {i} must be an image batch [B, 3, H, '
                                 f'W], got {shape}')
        if inputs[0].shape[0] != inputs[1].shape[0]:
            raise ValueError('the two views must have the same batch size, '
                             f'got {inputs[0].shape[0]} and '
                             f'{inputs[1].shape[0]}')
        return inputs

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'tensor':
            img = inputs if isinstance(inputs, torch.Tensor) else inputs[0]
            return self.backbone(img)
        if mode == 'predict':
            raise RuntimeError(
                'UpALocal (Up-A-L) is a self-supervised pre-training stage '
                'and has no predictions; use mode=\'tensor\' for the '
                'backbone maps, or load its backbone.* weights into a '
                'detector/segmentor')
        raise RuntimeError(f'invalid mode {mode!r}: use loss, predict or '
                           'tensor')

    def loss(self, inputs, data_samples=None) -> Dict[str, torch.Tensor]:
        """The enabled terms, each already weighted: ``loss_dense`` and
        ``loss_global``."""
        img_a, img_b = self._two_views(inputs)
        # One forward per view, not one over the concatenated batch: the
        # BN statistics stay per view, as SimSiam and DenseCL compute them,
        # and the views may have different sizes.
        map_a, map_b = self.extract_map(img_a), self.extract_map(img_b)
        losses = {}
        if self.dense_projector is not None:
            z_a = self.dense_projector(map_a)
            z_b = self.dense_projector(map_b)
            p_a, p_b = self.dense_predictor(z_a), self.dense_predictor(z_b)
            index_ab = match_locations(map_a, map_b)
            index_ba = match_locations(map_b, map_a)
            losses['loss_dense'] = self.dense_weight * 0.5 * (
                dense_simsiam_loss(p_a, z_b, index_ab) +
                dense_simsiam_loss(p_b, z_a, index_ba))
        if self.global_head is not None:
            losses['loss_global'] = self.global_head.loss(
                map_a.mean(dim=(2, 3)), map_b.mean(dim=(2, 3)))
        return losses
