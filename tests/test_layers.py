"""Attention layers against hand-written reference computations."""
import torch
import torch.nn.functional as F

from mmintern.models.layers import (CrossCovarianceAttention, GlobalDSM,
                                    LocalDSM, LocalGlobalDSM,
                                    MultiheadSelfAttention)


def split(t, heads):
    B, N, C = t.shape
    return t.reshape(B, N, heads, C // heads).transpose(1, 2)


def test_mhsa_equals_softmax_qk_v():
    torch.manual_seed(0)
    attn = MultiheadSelfAttention(32, 48, num_heads=4).eval()
    x = torch.randn(2, 10, 32)
    q, k, v = (split(t, 4) for t in attn.qkv(x).chunk(3, dim=-1))
    weights = (q @ k.transpose(-2, -1) / 8**0.5).softmax(-1)
    expected = attn.proj((weights @ v).transpose(1, 2).reshape(2, 10, 32))
    torch.testing.assert_close(attn(x), expected)
    assert attn(x).shape == (2, 10, 48)


def test_xca_equals_temperature_scaled_channel_attention():
    torch.manual_seed(0)
    attn = CrossCovarianceAttention(32, 32, num_heads=4).eval()
    with torch.no_grad():
        attn.temperature.copy_(torch.tensor([0.5, 1., 2., 3.]).view(4, 1, 1))
    x = torch.randn(2, 10, 32)
    q, k, v = (split(t, 4).transpose(-2, -1)
               for t in attn.qkv(x).chunk(3, dim=-1))  # (B, h, d, N)
    q, k = F.normalize(q, dim=-1), F.normalize(k, dim=-1)
    weights = ((q @ k.transpose(-2, -1)) * attn.temperature).softmax(-1)
    out = (weights @ v).permute(0, 3, 1, 2).reshape(2, 10, 32)
    torch.testing.assert_close(attn(x), attn.proj(out))


def test_xca_is_resolution_agnostic():
    attn = CrossCovarianceAttention(32, 32, num_heads=4)
    assert attn(torch.randn(1, 7, 32)).shape == (1, 7, 32)
    assert attn(torch.randn(1, 300, 32)).shape == (1, 300, 32)


def test_dsms_downsample_and_widen():
    x = torch.randn(2, 32, 15, 16)
    for dsm in (LocalDSM(32, 64), LocalGlobalDSM(32, 64, head_dim=16),
                GlobalDSM(32, 64, head_dim=16)):
        assert dsm(x).shape == (2, 64, 8, 8), type(dsm).__name__


def test_lg_dsm_output_sees_the_whole_map():
    # Attention pooling: a change far away moves every output position,
    # unlike the purely local L-DSM.
    torch.manual_seed(0)
    x = torch.randn(1, 16, 16, 16)
    far = x.clone()
    far[0, :, 15, 15] += 5 * torch.randn(16)  # not a shift that LN removes
    for dsm, reaches in ((LocalGlobalDSM(16, 16, head_dim=8).eval(), True),
                         (GlobalDSM(16, 16, head_dim=8).eval(), True),
                         (LocalDSM(16, 16).eval(), False)):
        changed = (dsm(x) - dsm(far))[0, :, 0, 0].abs().max() > 1e-6
        assert bool(changed) is reaches, type(dsm).__name__
