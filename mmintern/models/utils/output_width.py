"""The width of a backbone's last output, for the head built on it."""
import torch
import torch.nn as nn


def last_output_width(backbone: nn.Module, probe_size: int = 64) -> int:
    """Channels of the last output a backbone returns.

    Read from ``out_channels`` indexed by the last of ``out_indices`` where
    the backbone has both (MetaNet: one width per feature index), else
    measured by one forward of a ``probe_size`` square zero image in eval
    mode (the backbone's mode is restored). A map ``[B, C, H, W]`` or a
    vector ``[B, C]`` has ``C`` channels; tokens ``[B, N, C]`` have ``C``.
    """
    channels = getattr(backbone, 'out_channels', None)
    indices = getattr(backbone, 'out_indices', None)
    if isinstance(channels, (list, tuple)) and indices is not None:
        last = indices if isinstance(indices, int) else tuple(indices)[-1]
        return int(channels[last])
    was_training = backbone.training
    backbone.eval()
    with torch.no_grad():
        out = backbone(torch.zeros(1, 3, probe_size, probe_size))
    backbone.train(was_training)
    if isinstance(out, (list, tuple)):
        out = out[-1]
    return int(out.shape[-1] if out.dim() == 3 else out.shape[1])
