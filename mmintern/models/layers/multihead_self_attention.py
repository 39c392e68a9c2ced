import torch
import torch.nn as nn
import torch.nn.functional as F

from mmintern.registry import register_model


@register_model
class MultiheadSelfAttention(nn.Module):
    """Multi-head self-attention over tokens, projecting to ``out_dims``.

    The output projection may change the width, which is how MetaNet's
    stage-entry transformer block widens its features. Attention runs through
    ``F.scaled_dot_product_attention`` (fused kernels on CPU and GPU), with no
    sequence length baked in.

    Args:
        dims (int): Token width.
        out_dims (int): Output width.
        num_heads (int): Number of heads; must divide ``dims``.
        qkv_bias (bool): Bias of the qkv projection. Defaults to True.
        attn_drop (float): Dropout on attention weights. Defaults to 0.
    """

    def __init__(self, dims: int, out_dims: int, num_heads: int,
                 qkv_bias: bool = True, attn_drop: float = 0.):
        super().__init__()
        if dims % num_heads:
            raise ValueError(
                f'width {dims} is not divisible by {num_heads} heads')
        self.num_heads = num_heads
        self.attn_drop = attn_drop
        self.qkv = nn.Linear(dims, dims * 3, bias=qkv_bias)
        self.proj = nn.Linear(dims, out_dims)

    def split_heads(self, x: torch.Tensor):
        """(B, N, C) -> q, k, v of shape (B, heads, N, C // heads)."""
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads)
        return qkv.permute(2, 0, 3, 1, 4).unbind(0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, N, C = x.shape
        q, k, v = self.split_heads(x)
        drop = self.attn_drop if self.training else 0.
        out = F.scaled_dot_product_attention(q, k, v, dropout_p=drop)
        return self.proj(out.transpose(1, 2).reshape(B, N, C))
