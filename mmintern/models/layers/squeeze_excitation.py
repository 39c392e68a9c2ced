import torch
import torch.nn as nn
import torch.nn.functional as F


def make_divisible(value: float, divisor: int = 8) -> int:
    """Round to a multiple of ``divisor``, never more than 10% down."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


class SqueezeExcitation(nn.Module):
    """Squeeze-excitation as released in MetaNet.

    Global average pool -> 1x1 conv to ``make_divisible(channels // 4, 8)``
    -> ReLU -> 1x1 conv -> hard sigmoid gate. (mmpretrain's ``SELayer``
    computes the same, but importing ``mmpretrain.models.utils`` imports
    mmdet, which ``import mmintern`` must not.)

    Args:
        channels (int): Input and output width.
    """

    def __init__(self, channels: int):
        super().__init__()
        squeezed = make_divisible(channels // 4, 8)
        self.fc1 = nn.Conv2d(channels, squeezed, 1)
        self.fc2 = nn.Conv2d(squeezed, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        scale = F.relu(self.fc1(x.mean(dim=(2, 3), keepdim=True)))
        return x * F.hardsigmoid(self.fc2(scale))
