"""A frozen backbone made cheaper for inference, with the same outputs."""
import copy
from typing import Optional

import torch
from torch import nn

__all__ = ['fold_for_inference']


def _nchw_outputs(forward):
    """``forward`` with its maps handed out as plain NCHW tensors: the copy
    runs channels-last, and mmcv's CPU RoIAlign reads raw memory and
    silently mis-reads channels-last maps (a detector on them learns
    nothing)."""

    def run(*args, **kwargs):
        out = forward(*args, **kwargs)
        if isinstance(out, (list, tuple)):
            return type(out)(o.contiguous() for o in out)
        return out.contiguous()

    return run


def _outputs(model: nn.Module, x: torch.Tensor) -> list:
    out = model(x)
    return list(out) if isinstance(out, (list, tuple)) else [out]


def fold_for_inference(backbone: nn.Module,
                       example: Optional[torch.Tensor] = None,
                       atol: float = 1e-4) -> nn.Module:
    """A copy of an eval-mode backbone with each BatchNorm folded into the
    convolution before it (mmcv's ``fuse_conv_bn``), in channels-last
    memory format, when it gives the same outputs on ``example``.

    Folding removes a memory-bound pass over every activation that a
    BatchNorm layer makes; it is only right for a frozen backbone in eval
    mode. Norms the fuser does not know as a plain BatchNorm after a
    convolution are left as they are; a model whose outputs change (e.g.
    timm's ``BatchNormAct2d``, whose activation the fuser would drop) is
    returned unfolded, only in channels-last. The copy's parameters want
    no gradient (folding makes new ones, which would), and its maps come
    out as plain NCHW tensors.

    Args:
        backbone (nn.Module): The frozen backbone; it is not modified.
        example (torch.Tensor, optional): An input to compare the outputs
            on. Defaults to a seeded 2 x 3 x 64 x 64 batch on the
            backbone's device.
        atol (float): Largest difference allowed, relative to the largest
            output magnitude. Defaults to 1e-4.

    Returns:
        nn.Module: The folded copy, or an unfolded channels-last copy.
    """
    from mmcv.cnn import fuse_conv_bn
    if example is None:
        example = torch.randn(2, 3, 64, 64,
                              generator=torch.Generator().manual_seed(0))
        example = example.to(next(backbone.parameters()).device)
    backbone.eval()
    example = example.contiguous(memory_format=torch.channels_last)
    with torch.no_grad():
        reference = _outputs(backbone, example)
        # Module.to works in place: the copy keeps the caller's backbone.
        fast = copy.deepcopy(backbone).to(memory_format=torch.channels_last)
        # Not chained: some backbones' train() / eval() return None.
        folded = fuse_conv_bn(copy.deepcopy(fast))
        folded.eval()
        outputs = _outputs(folded, example)
    scale = max(float(r.abs().max()) for r in reference) or 1.
    same = len(outputs) == len(reference) and all(
        o.shape == r.shape and float((o - r).abs().max()) <= atol * scale
        for o, r in zip(outputs, reference))
    result = folded if same else fast
    for param in result.parameters():
        param.requires_grad_(False)
    # An instance attribute: nn.Module.__call__ finds it first.
    result.forward = _nchw_outputs(result.forward)
    return result
