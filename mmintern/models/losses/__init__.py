"""DeCLIP's supervision terms, INTERN's upstream-amplifier stage A (Up-A).

Image-text InfoNCE over the global batch and over views, SimSiam on the
image views, masked language modelling on the captions and
nearest-neighbour supervision from a queue of past captions; and the
dense SimSiam objective of Up-A-L between matched locations of two views;
the VQ-GAN's adversarial and perceptual terms (MF stage 1).
"""
from .dense_simsiam import dense_simsiam_loss, match_locations
from .gan import adaptive_weight, hinge_d_loss, hinge_g_loss
from .gather import gather_with_grad
from .infonce import MultiViewInfoNCELoss, SymmetricInfoNCELoss
from .masked_lm import IGNORE_INDEX, MaskedLMLoss, mask_tokens
from .nn_queue import NearestNeighbourLoss, TextEmbeddingQueue
from .perceptual import BackbonePerceptualLoss
from .simsiam import SimSiamHead

__all__ = [
    'gather_with_grad', 'SymmetricInfoNCELoss', 'MultiViewInfoNCELoss',
    'SimSiamHead', 'mask_tokens', 'MaskedLMLoss',
    'IGNORE_INDEX', 'TextEmbeddingQueue', 'NearestNeighbourLoss',
    'match_locations', 'dense_simsiam_loss', 'hinge_d_loss', 'hinge_g_loss',
    'adaptive_weight', 'BackbonePerceptualLoss'
]
