"""Named MetaNet architectures: ``b1`` ... ``b15``.

``b4`` and ``b15`` are exactly the released models (gv-benchmark). The other
names were never published; we define them as one scaling family around the
two: every arch keeps the released macro layout (six stages, strides
1, 2, 2, 2, 1, 2, expansions 1, 4, 6, 3, 2, 5, stage widths
``base x (1, 2, 4, 6, 6, 12)``) and scales ``base`` width and the depths
``B4 depths x depth multiplier``. ``b1``-``b7`` use B4's blocks (MBConv x4,
MHSA x2, head_dim 48), ``b8``-``b15`` use B15's (FusedMBConv x2, MBConv x2,
XCA x2, head_dim 64). ``b7`` is sized to the reported MN-B7 (100.2M
parameters, 7.26 GMACs). Sizes are listed in docs/metanet.md, measured by
tools/analysis_tools/get_flops.py.
"""
import math

from .metanet_arch import MetaNetCfg, uniform_stages

B4_DEPTHS = (2, 3, 6, 6, 6, 12)
WIDTH_RATIOS = (1, 2, 4, 6, 6, 12)
EXPANSIONS = (1, 4, 6, 3, 2, 5)
B4_BLOCKS = ('mbconv', ) * 4 + ('mhsa', ) * 2
B15_BLOCKS = ('fused_mbconv', ) * 2 + ('mbconv', ) * 2 + ('xca', ) * 2


def scaled(stem_width: int, base_width: int, depth_multiplier: float,
           blocks, head_dim: int, drop_path_rate: float) -> MetaNetCfg:
    """A member of the family: widths ``base x WIDTH_RATIOS``, depths
    ``ceil(B4_DEPTHS x depth_multiplier)``."""
    depths = [math.ceil(d * depth_multiplier) for d in B4_DEPTHS]
    widths = [base_width * r for r in WIDTH_RATIOS]
    return MetaNetCfg(
        stem_width=stem_width,
        stages=uniform_stages(blocks, depths, widths, EXPANSIONS),
        head_dim=head_dim,
        drop_path_rate=drop_path_rate)


METANET_ARCHS = {
    'b1': scaled(16, 16, 0.5, B4_BLOCKS, 48, 0.),
    'b2': scaled(24, 24, 0.5, B4_BLOCKS, 48, 0.),
    'b3': scaled(24, 24, 1.0, B4_BLOCKS, 48, 0.),
    'b4': scaled(32, 32, 1.0, B4_BLOCKS, 48, 0.),  # released MN-B4
    'b5': scaled(32, 40, 1.0, B4_BLOCKS, 48, 0.1),
    'b6': scaled(48, 48, 1.0, B4_BLOCKS, 48, 0.1),
    'b7': scaled(48, 56, 1.0, B4_BLOCKS, 48, 0.2),
    'b8': scaled(48, 64, 1.0, B15_BLOCKS, 64, 0.2),
    'b9': scaled(64, 64, 1.5, B15_BLOCKS, 64, 0.2),
    'b10': scaled(64, 96, 1.0, B15_BLOCKS, 64, 0.2),
    'b11': scaled(72, 96, 1.5, B15_BLOCKS, 64, 0.3),
    'b12': scaled(96, 96, 2.0, B15_BLOCKS, 64, 0.3),
    'b13': scaled(96, 128, 1.0, B15_BLOCKS, 64, 0.3),
    'b14': scaled(96, 128, 1.5, B15_BLOCKS, 64, 0.3),
    'b15': scaled(96, 128, 2.0, B15_BLOCKS, 64, 0.3),  # released MN-B15
}
