import torch
import torch.nn as nn
import torch.nn.functional as F

from mmintern.registry import register_model

from .multihead_self_attention import MultiheadSelfAttention


@register_model
class CrossCovarianceAttention(MultiheadSelfAttention):
    """Cross-covariance attention (XCA, XCiT) as in MetaNet-B15.

    Attention runs between channels instead of tokens: queries and keys are
    L2-normalised along the token axis and their (C/h x C/h) cross-covariance,
    scaled by a learnable per-head temperature, weights the values. Its cost
    is linear in the number of tokens, which is why the largest MetaNet uses
    it at high resolution. Folding the temperature into the queries lets the
    fused ``scaled_dot_product_attention`` kernel do the rest (scale 1).

    Args: as :class:`MultiheadSelfAttention`.
    """

    def __init__(self, dims: int, out_dims: int, num_heads: int,
                 qkv_bias: bool = True, attn_drop: float = 0.):
        super().__init__(dims, out_dims, num_heads, qkv_bias, attn_drop)
        self.temperature = nn.Parameter(torch.ones(num_heads, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, N, C = x.shape
        # (B, heads, d, N): channels become the attention's "sequence".
        q, k, v = (t.transpose(-2, -1) for t in self.split_heads(x))
        q = F.normalize(q, dim=-1) * self.temperature
        k = F.normalize(k, dim=-1)
        drop = self.attn_drop if self.training else 0.
        out = F.scaled_dot_product_attention(
            q, k, v, dropout_p=drop, scale=1.0)
        return self.proj(out.permute(0, 3, 1, 2).reshape(B, N, C))
