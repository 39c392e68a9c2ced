"""Nearest-neighbour supervision of DeCLIP (INTERN's Up-A).

A FIFO queue of past text embeddings supplies, for each pair, the most
similar earlier caption as an extra positive for the image.
"""
import math
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.dist import get_dist_info

from mmintern.registry import register_model
from .gather import gather_with_grad

__all__ = ['TextEmbeddingQueue', 'NearestNeighbourLoss']


@register_model
class TextEmbeddingQueue(nn.Module):
    """A FIFO queue of L2-normalised embeddings, held in buffers.

    The embeddings, the write pointer and the fill count are persistent
    buffers, so the queue is saved in checkpoints and a resumed run goes on
    with the same queue. Keep it identical on all ranks by enqueueing the
    gathered batch (as :class:`NearestNeighbourLoss` does).

    Args:
        dim (int): Embedding width.
        size (int): Capacity. Defaults to 65536 (DeCLIP's 64K).
    """

    def __init__(self, dim: int, size: int = 65536):
        super().__init__()
        if dim <= 0 or size <= 0:
            raise ValueError(f'dim and size must be positive, got dim={dim}'
                             f', size={size}')
        self.dim, self.size = dim, size
        self.register_buffer('queue', torch.zeros(size, dim))
        self.register_buffer('ptr', torch.zeros((), dtype=torch.long))
        self.register_buffer('num_filled', torch.zeros((), dtype=torch.long))

    @torch.no_grad()
    def enqueue(self, x: torch.Tensor) -> None:
        """Write ``x [N, dim]`` (normalised, detached) at the pointer,
        wrapping around and overwriting the oldest entries; when
        ``N > size`` only the newest ``size`` rows are kept."""
        if x.dim() != 2 or x.shape[1] != self.dim:
            raise ValueError(f'expected [N, {self.dim}] embeddings, got '
                             f'{tuple(x.shape)}')
        x = F.normalize(x.detach(), dim=-1)[-self.size:]
        n = x.shape[0]
        idx = (self.ptr + torch.arange(n, device=self.queue.device)) % \
            self.size
        self.queue[idx] = x.to(self.queue)
        # In-place updates keep the buffers' identity (and device).
        self.ptr.copy_((self.ptr + n) % self.size)
        self.num_filled.clamp_(max=self.size - n).add_(n)

    def filled(self) -> torch.Tensor:
        """The valid entries: ``[min(#enqueued, size), dim]``.

        Entries fill from row 0 and only wrap once the queue is full, so the
        valid rows are always the first ``num_filled``.
        """
        return self.queue[:int(self.num_filled)]

    @torch.no_grad()
    def nearest(self, query: torch.Tensor
                ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Top-1 cosine neighbours in the queue.

        Args:
            query (Tensor): ``[B, dim]`` embeddings (any norm).

        Returns:
            Tuple[Tensor, Tensor]: The neighbours ``[B, dim]`` (normalised,
            no gradient) and their row indices in :attr:`queue` ``[B]``.
        """
        bank = self.filled()
        if bank.shape[0] == 0:
            raise RuntimeError('the queue is empty: enqueue embeddings '
                               'before looking up neighbours')
        sim = F.normalize(query.detach().to(bank), dim=-1) @ bank.t()
        index = sim.argmax(dim=1)
        return bank[index], index


@register_model
class NearestNeighbourLoss(nn.Module):
    """InfoNCE of images against the queue neighbours of their texts.

    For local pair ``i`` the nearest queue entry (cosine) is looked up and
    becomes the positive of image ``i``; the neighbours of all pairs of the
    global batch are the candidates (image -> neighbour-text direction
    only, the neighbours carrying no gradient). After the loss, in
    training mode, the queue takes the current batch's text embeddings,
    detached and gathered from all ranks in rank order.

    DeCLIP's paper looks up the neighbour of the paired *text* embedding
    (``query='text'``); ``query='image'`` looks up the image's own nearest
    text instead.

    Args:
        dim (int): Embedding width.
        queue_size (int): Queue capacity. Defaults to 65536.
        query (str): ``'text'`` or ``'image'``: whose embedding selects the
            neighbour. Defaults to ``'text'``.
        logit_scale_init (float, optional): Initial log of this module's
            learnable logit scale. None builds no scale: :meth:`forward`
            must then be given one (e.g. the contrastive loss's, shared),
            and DDP sees no parameter that goes unused. Defaults to
            ``log(1 / 0.07)``.
        max_logit_scale (float): Upper clamp of the scale. Defaults to 100.
        loss_weight (float): Multiplier. Defaults to 0.2, DeCLIP's weight
            for ResNet-50.
    """

    def __init__(self,
                 dim: int,
                 queue_size: int = 65536,
                 query: str = 'text',
                 logit_scale_init: Optional[float] = math.log(1 / 0.07),
                 max_logit_scale: float = 100.,
                 loss_weight: float = 0.2):
        super().__init__()
        if query not in ('text', 'image'):
            raise ValueError(f"query must be 'text' or 'image', got "
                             f'{query!r}')
        self.queue = TextEmbeddingQueue(dim, queue_size)
        self.query = query
        self.logit_scale = None
        if logit_scale_init is not None:
            self.logit_scale = nn.Parameter(
                torch.tensor(float(logit_scale_init)))
        self.max_logit_scale = float(max_logit_scale)
        self.loss_weight = loss_weight

    def forward(self,
                image_feats: torch.Tensor,
                text_feats: torch.Tensor,
                logit_scale: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Weighted loss of local ``[B, dim]`` image and text embeddings.

        Args:
            image_feats (Tensor): Image embeddings; they get the gradient.
            text_feats (Tensor): Embeddings of the paired captions; only
                used (detached) for the lookup and the queue update.
            logit_scale (Tensor, optional): An already clamped scale to use,
                e.g. the contrastive loss's ``scale()``; None uses this
                module's own.

        Returns:
            Tensor: The loss; a zero connected to ``image_feats`` while the
            queue is still empty (the first iteration).
        """
        if image_feats.shape != text_feats.shape:
            raise ValueError(
                'image and text features must have the same shape, got '
                f'{tuple(image_feats.shape)} and {tuple(text_feats.shape)}')
        if logit_scale is None:
            if self.logit_scale is None:
                raise ValueError('built with logit_scale_init=None, so '
                                 'forward needs a logit_scale')
            logit_scale = self.logit_scale.clamp(
                max=math.log(self.max_logit_scale)).exp()
        if int(self.queue.num_filled) == 0:
            # Still a graph over the inputs and the scale, so DDP finds no
            # unused parameter in the first iteration.
            loss = (image_feats.sum() + logit_scale) * 0.
        else:
            query = text_feats if self.query == 'text' else image_feats
            neighbours, _ = self.queue.nearest(query)
            neighbours = gather_with_grad(neighbours.to(image_feats))
            rank, _ = get_dist_info()
            batch = image_feats.shape[0]
            labels = torch.arange(batch, device=image_feats.device) + \
                rank * batch
            logits = logit_scale * F.normalize(image_feats, dim=-1) @ \
                neighbours.t()
            loss = self.loss_weight * F.cross_entropy(logits, labels)
        if self.training:
            # After the lookup, so a pair never finds its own caption.
            self.queue.enqueue(gather_with_grad(text_feats.detach()))
        return loss
