"""MetaNet, the general vision architecture (GV-A) of INTERN.

INTERN: A New Learning Paradigm Towards General Vision
(https://arxiv.org/abs/2111.08687). The search space and the context-aware
down-sampling modules come from UniNet (https://arxiv.org/abs/2110.04035).
"""
from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmengine.model.weight_init import trunc_normal_
from torch.nn.modules.batchnorm import _BatchNorm

from mmintern.registry import register_model
from .metanet_arch import MetaNetCfg
from .metanet_archs import METANET_ARCHS
from .metanet_stage import MetaNetStage


@register_model
class MetaNet(BaseModule):
    """MetaNet backbone: one implementation for classification, detection
    and segmentation.

    A 3x3 stride-2 stem, the stages of the arch, and a 1x1 conv head to
    ``head_width`` (1280) with global average pooling. Stage ``i``'s output
    is feature ``i``; feature ``len(stages)`` (``-1``) is the pooled head
    vector. The released archs' stage outputs 1, 2, 4, 5 have strides
    4, 8, 16, 32, the dense maps that detection and segmentation use.

    Args:
        arch (str | dict | MetaNetCfg): A name in :attr:`arch_settings`
            (``'b1'`` ... ``'b15'``) or a :class:`MetaNetCfg` written as a
            dict. Defaults to ``'b4'``.
        in_channels (int): Input image channels. Defaults to 3.
        out_indices (int | Sequence[int]): Features to return: stage indices,
            or ``len(stages)`` / ``-1`` for the pooled head vector. The head
            is built only when it is requested. Defaults to -1.
        frozen_stages (int): ``-1`` freezes nothing; ``k >= 0`` freezes the
            stem and the first ``k`` stages (their parameters and norms);
            ``len(stages) + 1`` freezes the head too. Defaults to -1.
        norm_eval (bool): Keep BatchNorm layers in eval mode while
            training. Defaults to False.
        with_cp (bool): Checkpoint each block to save memory at the cost of
            speed. Defaults to False.
        drop_path_rate (float, optional): Stochastic depth rate of the last
            block, rising linearly from 0; None takes the arch's default.
        norm_cfg (dict): Norm of the conv parts. Defaults to BN.
        act_cfg (dict): Activation of the conv parts. Defaults to GELU.
        layer_scale_init_value (float): LayerScale init of the token
            blocks. Defaults to 1e-6.
        init_cfg (dict | list, optional): Initialization config, e.g.
            ``dict(type='Pretrained', checkpoint=..., prefix='backbone.')``.
    """
    arch_settings = METANET_ARCHS

    def __init__(self,
                 arch: Union[str, dict, MetaNetCfg] = 'b4',
                 in_channels: int = 3,
                 out_indices: Union[int, Sequence[int]] = -1,
                 frozen_stages: int = -1,
                 norm_eval: bool = False,
                 with_cp: bool = False,
                 drop_path_rate: Optional[float] = None,
                 norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='GELU'),
                 layer_scale_init_value: float = 1e-6,
                 init_cfg: Optional[Union[dict, list]] = None):
        super().__init__(init_cfg=init_cfg)
        self.arch = self.parse_arch(arch)
        num_stages = len(self.arch.stages)
        self.out_indices = self.parse_out_indices(out_indices, num_stages)
        if not -1 <= frozen_stages <= num_stages + 1:
            raise ValueError(f'frozen_stages must be in [-1, {num_stages + 1}]'
                             f', got {frozen_stages}')
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval
        if drop_path_rate is None:
            drop_path_rate = self.arch.drop_path_rate

        self.stem = ConvModule(
            in_channels, self.arch.stem_width, 3, stride=2, padding=1,
            bias=False, norm_cfg=norm_cfg, act_cfg=act_cfg)
        depth = self.arch.depth
        rates = [drop_path_rate * i / max(depth - 1, 1) for i in range(depth)]
        self.stages = nn.ModuleList()
        width = self.arch.stem_width
        self.out_channels = []
        for cfg in self.arch.stages:
            self.stages.append(
                MetaNetStage(cfg, width, rates[:cfg.depth], self.arch.head_dim,
                             norm_cfg, act_cfg, layer_scale_init_value,
                             with_cp))
            rates = rates[cfg.depth:]
            width = cfg.width
            self.out_channels.append(width)
        self.out_channels.append(self.arch.head_width)
        self.head = None
        if num_stages in self.out_indices:
            self.head = ConvModule(
                width, self.arch.head_width, 1, bias=False,
                norm_cfg=norm_cfg, act_cfg=act_cfg)
        # Without the head, the stages after the last requested output do
        # not run. They stay in the model (a checkpoint keeps them for later
        # stages of a pipeline) but train nothing: without requires_grad,
        # DDP does not wait for their gradients (it would stop with
        # "Expected to have finished reduction" otherwise).
        self.num_run_stages = max(self.out_indices) + 1 \
            if self.head is None else num_stages
        for stage in self.stages[self.num_run_stages:]:
            stage.requires_grad_(False)
        self._register_load_state_dict_pre_hook(self._refuse_released_keys)
        self._freeze_stages()

    @classmethod
    def parse_arch(cls, arch) -> MetaNetCfg:
        if isinstance(arch, MetaNetCfg):
            return arch
        if isinstance(arch, str):
            name = arch.lower()
            if name not in cls.arch_settings:
                raise KeyError(f'unknown MetaNet arch {arch!r}; valid names: '
                               f'{list(cls.arch_settings)}, or a dict with '
                               'the fields of MetaNetCfg')
            return cls.arch_settings[name]
        if isinstance(arch, dict):
            return MetaNetCfg.from_dict(dict(arch))
        raise TypeError(f'arch must be a name, a dict or a MetaNetCfg, got '
                        f'{type(arch).__name__}')

    @staticmethod
    def parse_out_indices(out_indices, num_stages: int) -> Tuple[int, ...]:
        if isinstance(out_indices, int):
            out_indices = [out_indices]
        parsed = []
        for index in out_indices:
            if not -(num_stages + 1) <= index <= num_stages:
                raise IndexError(
                    f'out_indices {index} is out of range: stage outputs are '
                    f'0..{num_stages - 1} and the pooled head vector is '
                    f'{num_stages} (or -1)')
            parsed.append(index % (num_stages + 1))
        # The outputs come back in stage order, once each: another order or
        # a repeat would hand a neck its maps in an order it does not expect.
        if parsed != sorted(set(parsed)):
            raise ValueError(
                f'out_indices {list(out_indices)} must name each output once, '
                f'in increasing order (as stage indices: {parsed}); e.g. '
                f'{sorted(set(parsed))}')
        return tuple(parsed)

    def init_weights(self) -> None:
        init_cfgs = self.init_cfg if isinstance(self.init_cfg, list) \
            else [self.init_cfg]
        pretrained = any(
            isinstance(c, dict) and c.get('type') == 'Pretrained'
            for c in init_cfgs)
        if not pretrained and self.init_cfg is None:
            self.apply(self._init_token_layers)
        super().init_weights()

    @staticmethod
    def _init_token_layers(m: nn.Module) -> None:
        # As released (timm's ViT init); convs keep PyTorch's default.
        if isinstance(m, nn.Linear):
            trunc_normal_(m.weight, std=.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        # Channels-last makes the depthwise convs 1.7x faster on CPU (oneDNN)
        # and turns the token reshapes of transformer stages into views.
        x = self.stem(x.contiguous(memory_format=torch.channels_last))
        outs = []
        for i, stage in enumerate(self.stages[:self.num_run_stages]):
            x = stage(x)
            if i in self.out_indices:
                # Hand out plain NCHW: mmcv's CPU RoIAlign (and other ops
                # downstream) read raw memory and silently mis-read
                # channels-last maps, which made detectors diverge.
                outs.append(x.contiguous())
        if self.head is not None:
            outs.append(self.head(x).mean(dim=(2, 3)))
        return tuple(outs)

    def _freeze_stages(self) -> None:
        if self.frozen_stages < 0:
            return
        modules = [self.stem, *self.stages[:self.frozen_stages]]
        if self.frozen_stages > len(self.stages) and self.head is not None:
            modules.append(self.head)
        for m in modules:
            m.eval()
            for param in m.parameters():
                param.requires_grad = False

    def train(self, mode: bool = True) -> 'MetaNet':
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, _BatchNorm):
                    m.eval()
        return self

    def get_layer_depth(self, param_name: str, prefix: str = ''):
        """Layer depth of a parameter, for layer-wise learning-rate decay.

        The stem is layer 0, block ``n`` (counted over all stages) is layer
        ``n + 1``, a stage's DSM shares its first block's layer, and the
        head and anything outside the backbone are the last layer.

        Returns:
            Tuple[int, int]: The layer depth and the number of layers.
        """
        num_layers = self.arch.depth + 2
        if not param_name.startswith(prefix):
            return num_layers - 1, num_layers
        name = param_name[len(prefix):]
        if name.startswith('stem.'):
            return 0, num_layers
        if name.startswith('stages.'):
            parts = name.split('.')
            stage = int(parts[1])
            first = sum(s.depth for s in self.arch.stages[:stage])
            block = int(parts[3]) if parts[2] == 'blocks' else 0
            return first + block + 1, num_layers
        return num_layers - 1, num_layers

    @staticmethod
    def _refuse_released_keys(state_dict, prefix, *args) -> None:
        # The released checkpoints name blocks 'blocks.N.*'; loading one
        # non-strictly would silently leave the whole network random.
        if any(k.startswith(prefix + 'blocks.') for k in state_dict):
            raise KeyError(
                'this state dict has the released MetaNet key layout '
                f"('{prefix}blocks.N.*'); convert it first with "
                'tools/model_converters/metanet_to_mmintern.py')
