"""All-gather that keeps gradients, for losses over the global batch.

``torch.distributed.all_gather`` (and mmengine's ``all_gather``) returns
tensors cut off from the autograd graph, so a contrastive loss computed on
gathered features would only train through the local slice of one side of
every logit. :func:`gather_with_grad` routes the gradient of every rank's
copy of the gathered tensor back to the rank that owns each slice.
"""
import torch
import torch.distributed as dist

__all__ = ['gather_with_grad', 'is_distributed', 'rank_and_world_size']


def is_distributed() -> bool:
    """Whether a default process group is up with more than one rank."""
    return (dist.is_available() and dist.is_initialized()
            and dist.get_world_size() > 1)


def rank_and_world_size():
    """``(rank, world_size)``, or ``(0, 1)`` outside a process group."""
    if not is_distributed():
        return 0, 1
    return dist.get_rank(), dist.get_world_size()


class _GatherWithGrad(torch.autograd.Function):
    """Concatenate the ranks' tensors along dim 0; backward keeps the
    local slice of the gradient summed over all ranks."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        rank, world_size = dist.get_rank(), dist.get_world_size()
        ctx.rank, ctx.batch = rank, x.shape[0]
        x = x.contiguous()
        parts = [torch.empty_like(x) for _ in range(world_size)]
        dist.all_gather(parts, x)
        return torch.cat(parts, dim=0)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        # Every rank's loss used every slice of the gathered tensor, so the
        # gradient of the local features is the sum over ranks of what each
        # rank's loss sent to this slice.
        grad = grad.contiguous().clone()
        dist.all_reduce(grad, op=dist.ReduceOp.SUM)
        start = ctx.rank * ctx.batch
        return grad[start:start + ctx.batch]


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
    if not is_distributed():
        return x
    return _GatherWithGrad.apply(x)
