import torch.nn as nn


def make_shortcut(in_channels: int, out_channels: int,
                  stride: int) -> nn.Module:
    """Identity, or MaxPool(3, stride) + 1x1 conv where the shape changes.

    This is the released MetaNet shortcut: max pooling keeps the strongest
    local response when the resolution drops, the 1x1 conv matches widths.
    """
    if in_channels == out_channels and stride == 1:
        return nn.Identity()
    return nn.Sequential(
        nn.MaxPool2d(kernel_size=3, stride=stride, padding=1),
        nn.Conv2d(in_channels, out_channels, kernel_size=1))
