"""A backbone's output as one vector per image."""
import torch


def last_output(output):
    """The last tensor of an output: backbones and forward hooks give
    tensors, or (nested) tuples / lists of them."""
    while isinstance(output, (list, tuple)):
        output = output[-1]
    return output


def pool_feature(feat: torch.Tensor) -> torch.Tensor:
    """``[B, C, H, W]`` averaged over space, anything else flattened to
    ``[B, D]``."""
    return feat.mean(dim=(2, 3)) if feat.dim() == 4 else feat.flatten(1)
