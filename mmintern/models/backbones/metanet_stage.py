from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.utils.checkpoint as cp
from mmengine.model import BaseModule

from mmintern.models.layers import (FusedMBConv, GlobalDSM, LocalDSM,
                                    LocalGlobalDSM, MBConv, MixerBlock,
                                    TransformerBlock)
from .metanet_arch import StageCfg

DSM_TYPES = dict(l_dsm=LocalDSM, lg_dsm=LocalGlobalDSM, g_dsm=GlobalDSM)


def make_block(block: str, in_channels: int, out_channels: int, stride: int,
               expansion: float, drop_path_rate: float, head_dim: int,
               norm_cfg: dict, act_cfg: dict,
               layer_scale_init_value: float) -> nn.Module:
    """Build one block of the search space from its type name."""
    if block in ('mbconv', 'fused_mbconv'):
        cls = MBConv if block == 'mbconv' else FusedMBConv
        return cls(in_channels, out_channels, stride, expansion,
                   drop_path_rate, norm_cfg, act_cfg)
    if block in ('mhsa', 'xca'):
        return TransformerBlock(in_channels, out_channels, stride, expansion,
                                attention=block, head_dim=head_dim,
                                drop_path_rate=drop_path_rate,
                                layer_scale_init_value=layer_scale_init_value)
    if block == 'mixer':
        return MixerBlock(in_channels, out_channels, stride, expansion,
                          drop_path_rate=drop_path_rate,
                          layer_scale_init_value=layer_scale_init_value)
    raise ValueError(f'unknown block type {block!r}')


class MetaNetStage(BaseModule):
    """An optional down-sampling module followed by ``depth`` blocks.

    With the released down-sampler (``'block'``) the first block carries the
    stride and the width change; with a DSM, the DSM does both and every
    block keeps the shape.

    Args:
        cfg (StageCfg): The stage's point in the search space.
        in_channels (int): Width entering the stage.
        drop_path_rates (Sequence[float]): One stochastic depth rate per
            block.
        head_dim (int): Width per attention head.
        norm_cfg (dict): Norm layers of conv blocks and DSMs.
        act_cfg (dict): Activations of conv blocks.
        layer_scale_init_value (float): LayerScale init of token blocks.
        with_cp (bool): Checkpoint each block to save memory.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self, cfg: StageCfg, in_channels: int,
                 drop_path_rates: Sequence[float], head_dim: int,
                 norm_cfg: dict, act_cfg: dict,
                 layer_scale_init_value: float, with_cp: bool = False,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.with_cp = with_cp
        stride = cfg.stride
        self.downsample = None
        if cfg.downsampler != 'block':
            self.downsample = DSM_TYPES[cfg.downsampler](
                in_channels, cfg.width, cfg.stride, head_dim=head_dim,
                norm_cfg=norm_cfg)
            in_channels, stride = cfg.width, 1
        blocks = []
        for i in range(cfg.depth):
            blocks.append(
                make_block(cfg.block, in_channels, cfg.width,
                           stride if i == 0 else 1, cfg.expansion,
                           drop_path_rates[i], head_dim, norm_cfg, act_cfg,
                           layer_scale_init_value))
            in_channels = cfg.width
        self.blocks = nn.ModuleList(blocks)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.downsample is not None:
            x = self.downsample(x)
        for block in self.blocks:
            if self.with_cp and x.requires_grad:
                x = cp.checkpoint(block, x, use_reentrant=False)
            else:
                x = block(x)
        return x
