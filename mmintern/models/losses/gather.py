"""All-gather that keeps gradients, for losses over the global batch.

``torch.distributed.all_gather`` (and mmengine's ``all_gather``) returns
tensors cut off from the autograd graph, so a contrastive loss computed on
gathered features would only train through the local slice of one side of
every logit. ``torch.distributed.nn.functional.all_gather`` is the
differentiable one: its backward sends each rank's gradient of every slice
back to the rank that owns the slice, summed over ranks.
"""
import torch
import torch.distributed.nn.functional as dist_nn
from mmengine.dist import get_dist_info

__all__ = ['gather_with_grad']


def gather_with_grad(x: torch.Tensor) -> torch.Tensor:
    """All-gather ``x`` along dim 0, differentiably.

    The result is the ranks' tensors concatenated in rank order, so rank
    ``r``'s sample ``i`` sits at row ``r * B + i``. Its backward returns,
    for the local ``x``, the local slice of the gradient summed over all
    ranks: the gradient of the *sum* of the ranks' losses. DDP then
    averages parameter gradients over ranks, which makes the update that of
    the mean loss, i.e. of one process on the whole batch.

    Args:
        x (Tensor): Local tensor ``[B, ...]``; every rank must pass the same
            shape (``all_gather`` needs equal sizes).

    Returns:
        Tensor: ``[world_size * B, ...]``, or ``x`` itself when not
        distributed.
    """
    if get_dist_info()[1] == 1:
        return x
    return torch.cat(dist_nn.all_gather(x.contiguous()), dim=0)
