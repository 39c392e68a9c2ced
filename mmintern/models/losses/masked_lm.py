"""Masked language modelling on the captions, a DeCLIP (Up-A) term.

The masking follows BERT (https://arxiv.org/abs/1810.04805).
"""
from typing import Iterable, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmintern.registry import register_model

__all__ = ['mask_tokens', 'MaskedLMLoss', 'IGNORE_INDEX']

#: Label of the positions that carry no loss (``F.cross_entropy``'s
#: default ``ignore_index``).
IGNORE_INDEX = -100


def mask_tokens(tokens: torch.Tensor,
                vocab_size: int,
                mask_id: int,
                special_ids: Iterable[int],
                pad_id: int,
                ratio: float = 0.15,
                generator: Optional[torch.Generator] = None
                ) -> Tuple[torch.Tensor, torch.Tensor]:
    """BERT masking of token ids.

    Each token that is neither padding nor special is selected with
    probability ``ratio``; a selected token becomes ``mask_id`` with
    probability 0.8, a random token with 0.1 and stays itself with 0.1.

    Random replacements are drawn from the vocabulary *without* the special
    and padding ids: a random ``pad_id`` would be hidden by an attention
    mask derived from the ids, and a random end-of-text id could move the
    position a CLIP text encoder pools.

    Args:
        tokens (Tensor): Integer ids of any shape, e.g. ``[B, L]``.
        vocab_size (int): Number of ids; random replacements are below it.
        mask_id (int): Id of the mask token.
        special_ids (Iterable[int]): Ids never selected (start, end, ...).
        pad_id (int): Padding id, never selected.
        ratio (float): Probability of selecting a maskable token. Defaults
            to 0.15.
        generator (torch.Generator, optional): Source of randomness, for
            reproducible masks; its device is where the draws happen.

    Returns:
        Tuple[Tensor, Tensor]: The masked ids (a new tensor) and the labels:
        the original id at selected positions, :data:`IGNORE_INDEX`
        elsewhere.
    """
    if tokens.dtype not in (torch.int32, torch.int64):
        raise TypeError(f'tokens must be int32 or int64 ids, got '
                        f'{tokens.dtype}')
    if not 0 < ratio <= 1:
        raise ValueError(f'ratio must be in (0, 1], got {ratio}')
    if not 0 <= mask_id < vocab_size:
        raise ValueError(f'mask_id {mask_id} is not in [0, {vocab_size})')
    excluded = sorted({int(i) for i in special_ids} | {int(pad_id)})
    device = tokens.device
    excluded_t = torch.tensor(excluded, dtype=tokens.dtype, device=device)
    maskable = ~torch.isin(tokens, excluded_t)

    # One uniform draw picks the positions and a second one the action, so
    # the 80/10/10 split is exact in expectation.
    draw_device = generator.device if generator is not None else device
    select = torch.rand(tokens.shape, generator=generator,
                        device=draw_device).to(device) < ratio
    action = torch.rand(tokens.shape, generator=generator,
                        device=draw_device).to(device)
    select &= maskable

    allowed = torch.ones(vocab_size, dtype=torch.bool)
    allowed[[i for i in excluded if 0 <= i < vocab_size]] = False
    allowed = allowed.nonzero().flatten()
    if allowed.numel() == 0:
        raise ValueError('every id of the vocabulary is special or padding')
    picks = torch.randint(allowed.numel(), tokens.shape, generator=generator,
                          device=draw_device).cpu()
    random_ids = allowed[picks].to(device=device, dtype=tokens.dtype)

    masked = tokens.clone()
    to_mask = select & (action < 0.8)
    to_random = select & (action >= 0.8) & (action < 0.9)
    masked[to_mask] = mask_id
    masked[to_random] = random_ids[to_random]
    labels = torch.full_like(tokens, IGNORE_INDEX, dtype=torch.long)
    labels[select] = tokens[select].long()
    return masked, labels


@register_model
class MaskedLMLoss(nn.Module):
    """Cross-entropy of the masked positions only.

    Args:
        loss_weight (float): Multiplier of the loss. Defaults to 0.2,
            DeCLIP's weight for ResNet-50.
    """

    def __init__(self, loss_weight: float = 0.2):
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, logits: torch.Tensor,
                labels: torch.Tensor) -> torch.Tensor:
        """Mean cross-entropy over the positions whose label is not
        :data:`IGNORE_INDEX`.

        Args:
            logits (Tensor): ``[..., vocab_size]`` scores.
            labels (Tensor): Ids ``[...]`` from :func:`mask_tokens`.
        """
        if logits.shape[:-1] != labels.shape:
            raise ValueError(
                f'logits {tuple(logits.shape)} must be labels '
                f'{tuple(labels.shape)} plus a vocabulary dimension')
        logits = logits.reshape(-1, logits.shape[-1])
        labels = labels.reshape(-1)
        if not (labels != IGNORE_INDEX).any():
            # A batch can draw no masked token; the mean over nothing would
            # be NaN, so return a zero that still reaches the parameters.
            return logits.sum() * 0.
        return self.loss_weight * F.cross_entropy(
            logits.float(), labels, ignore_index=IGNORE_INDEX)
