"""The VQ-GAN's discriminator: a PatchGAN (Isola et al., 2017), which
scores overlapping patches rather than the whole image, as taming's."""
import torch
import torch.nn as nn

from mmintern.registry import register_model


@register_model
class PatchDiscriminator(nn.Module):
    """Conv(4, stride 2) layers doubling the width up to 8x ``channels``,
    one stride-1 layer, then a 1-channel map of patch logits.

    Args:
        channels (int): The first layer's width.
        num_layers (int): Stride-2 layers (each halves the map); 3 gives a
            70 px receptive field, fewer suit small images.
    """

    def __init__(self, channels: int = 64, num_layers: int = 3,
                 in_channels: int = 3):
        super().__init__()
        if num_layers < 1:
            raise ValueError(f'num_layers must be >= 1, got {num_layers}')
        layers = [nn.Conv2d(in_channels, channels, 4, 2, 1),
                  nn.LeakyReLU(0.2, True)]
        width = channels
        for i in range(1, num_layers + 1):
            out = channels * min(2**i, 8)
            stride = 2 if i < num_layers else 1
            layers += [nn.Conv2d(width, out, 4, stride, 1, bias=False),
                       nn.BatchNorm2d(out), nn.LeakyReLU(0.2, True)]
            width = out
        layers.append(nn.Conv2d(width, 1, 4, 1, 1))
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)
