"""Count ``scaled_dot_product_attention`` in mmengine's complexity analysis.

mmengine's FlopAnalyzer (fvcore's counter) has no handle for the fused
attention op and skips it with a warning, so any model that uses it (MetaNet,
mmpretrain's ViT and Swin) is under-counted by its attention matmuls. We add
the missing handle to mmengine's default table, so that
``mmengine.analysis.get_model_complexity_info`` and every tool built on it
count it. One multiply-add counts as one "flop", as in the rest of mmengine.
"""
from typing import Any, List

from mmengine.analysis import complexity_analysis
from mmengine.analysis.jit_handles import get_shape

SDPA_OP = 'aten::scaled_dot_product_attention'


def sdpa_flop_jit(inputs: List[Any], outputs: List[Any]) -> int:
    """Multiply-adds of softmax(q k^T) v: ``B*h*L*S*(d_qk + d_v)``."""
    q, k, v = (get_shape(t) for t in inputs[:3])
    *batch, length, d_qk = q
    source, d_v = k[-2], v[-1]
    count = length * source * (d_qk + d_v)
    for size in batch:
        count *= size
    return count


def register_sdpa_flop_handle() -> None:
    complexity_analysis._DEFAULT_SUPPORTED_FLOP_OPS.setdefault(
        SDPA_OP, sdpa_flop_jit)
