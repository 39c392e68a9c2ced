"""Named MetaNet architectures: ``b1`` ... ``b15``.

``b4`` and ``b15`` are exactly the released models (gv-benchmark). The other
names were never published; we define them as one family around the two.
Every member keeps the released macro layout: six stages with strides
1, 2, 2, 2, 1, 2, expansions 1, 4, 6, 3, 2, 5 and widths
``base x (1, 2, 4, 6, 6, 12)``. A row sets the stem width, the base width,
the depths and the block family: ``b1``-``b7`` use B4's blocks (MBConv x4,
MHSA x2, head_dim 48), ``b8``-``b15`` use B15's (FusedMBConv x2, MBConv x2,
XCA x2, head_dim 64). ``b7`` puts its extra capacity in the cheap stride-32
stage to match the reported MN-B7 (100.2M parameters, 7.26 GMACs). Params
and GMACs grow monotonically from ``b1`` to ``b15``; docs/metanet.md lists
them as measured by ``tools/analysis_tools/get_flops.py``.
"""
import math

from .metanet_arch import MetaNetCfg, uniform_stages

WIDTH_RATIOS = (1, 2, 4, 6, 6, 12)
EXPANSIONS = (1, 4, 6, 3, 2, 5)
B4_DEPTHS = (2, 3, 6, 6, 6, 12)
B4_BLOCKS = ('mbconv', ) * 4 + ('mhsa', ) * 2
B15_BLOCKS = ('fused_mbconv', ) * 2 + ('mbconv', ) * 2 + ('xca', ) * 2


def times(depth_multiplier: float):
    """B4's depths scaled: ``ceil(B4_DEPTHS x depth_multiplier)``."""
    return tuple(math.ceil(d * depth_multiplier) for d in B4_DEPTHS)


def family(stem_width: int, base_width: int, depths, blocks, head_dim: int,
           drop_path_rate: float) -> MetaNetCfg:
    widths = [base_width * r for r in WIDTH_RATIOS]
    return MetaNetCfg(
        stem_width=stem_width,
        stages=uniform_stages(blocks, depths, widths, EXPANSIONS),
        head_dim=head_dim,
        drop_path_rate=drop_path_rate)


METANET_ARCHS = {
    # name: family(stem, base, depths, blocks, head_dim, drop_path_rate)
    'b1': family(16, 16, times(0.5), B4_BLOCKS, 48, 0.),
    'b2': family(24, 24, times(0.5), B4_BLOCKS, 48, 0.),
    'b3': family(24, 24, times(1), B4_BLOCKS, 48, 0.),
    'b4': family(32, 32, times(1), B4_BLOCKS, 48, 0.),  # released MN-B4
    'b5': family(32, 40, times(1), B4_BLOCKS, 48, 0.1),
    'b6': family(32, 40, (2, 3, 6, 6, 6, 20), B4_BLOCKS, 48, 0.1),
    'b7': family(32, 40, (2, 3, 6, 6, 4, 28), B4_BLOCKS, 48, 0.2),
    'b8': family(48, 64, times(1), B15_BLOCKS, 64, 0.2),
    'b9': family(64, 64, times(1.5), B15_BLOCKS, 64, 0.2),
    'b10': family(64, 96, times(1), B15_BLOCKS, 64, 0.2),
    'b11': family(72, 96, times(1.5), B15_BLOCKS, 64, 0.3),
    'b12': family(96, 128, times(1), B15_BLOCKS, 64, 0.3),
    'b13': family(96, 96, times(2), B15_BLOCKS, 64, 0.3),
    'b14': family(96, 128, times(1.5), B15_BLOCKS, 64, 0.3),
    'b15': family(96, 128, times(2), B15_BLOCKS, 64, 0.3),  # released MN-B15
}
