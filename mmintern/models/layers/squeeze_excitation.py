from mmpretrain.models.utils import SELayer


def make_se(channels: int) -> SELayer:
    """Squeeze-excitation as released in MetaNet.

    Squeeze to ``make_divisible(channels // 4, 8)`` with ReLU, gate with a
    hard sigmoid (mmcv's ``HSigmoid`` is ``clamp((x + 3) / 6, 0, 1)``).
    """
    return SELayer(
        channels, ratio=4, divisor=8,
        act_cfg=(dict(type='ReLU'), dict(type='HSigmoid')))
