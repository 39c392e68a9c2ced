"""Write a backbone's weights as a checkpoint other models start from."""
import os
import os.path as osp
from typing import Dict, Mapping

import torch

BACKBONE_PREFIX = 'backbone.'


def save_backbone(state: Mapping[str, torch.Tensor],
                  path: str) -> Dict[str, torch.Tensor]:
    """Save a backbone's state dict as ``{'state_dict': {'backbone.*'}}``.

    The form every OpenMMLab model reads with ``init_cfg=dict(
    type='Pretrained', checkpoint=path, prefix='backbone.')`` (an Up-G
    ``expert_checkpoints`` entry, a GV-B backbone spec): plain CPU tensors,
    so ``torch.load(..., weights_only=True)`` loads it.

    Args:
        state (Mapping[str, Tensor]): The backbone's own keys (no prefix).
        path (str): Where to write; missing folders are made.

    Returns:
        dict: The saved state dict.
    """
    state_dict = {
        BACKBONE_PREFIX + key: value.detach().cpu().clone()
        for key, value in state.items()
    }
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    torch.save(dict(state_dict=state_dict), path)
    return state_dict
