import torch
import torch.nn as nn


class LayerScale(nn.Module):
    """Per-channel learnable scale of a residual branch (CaiT).

    A small init (1e-6 in MetaNet) makes each token block start close to
    the identity. Written here rather than taken from mmpretrain because
    importing ``mmpretrain.models.utils`` imports mmdet.

    Args:
        dims (int): Channels.
        init_value (float): Initial scale. Defaults to 1e-6.
        channel_dim (int): Axis of the channels: -1 for tokens (B, N, C),
            1 for maps (B, C, H, W). Defaults to -1.
    """

    def __init__(self, dims: int, init_value: float = 1e-6,
                 channel_dim: int = -1):
        super().__init__()
        self.weight = nn.Parameter(torch.full((dims, ), float(init_value)))
        self.channel_dim = channel_dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.channel_dim == 1:
            return x * self.weight.view(-1, 1, 1)
        return x * self.weight
