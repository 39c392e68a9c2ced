"""Up-G, the generalist backbone of INTERN.

INTERN: A New Learning Paradigm Towards General Vision
(https://arxiv.org/abs/2111.08687), Sec. 3.3. Up-G learns one backbone for
many tasks by *mixed parameter sharing*: a hard-shared trunk, plus expert
branches by granularity (image / patch / pixel, initialised from the Up-E
classification / detection / segmentation experts), softly shared through
cross-branch fusion: at the outputs of stages the main branch adds the
other branches' features, gradient-detached, projected and resized, with
the projections initialised at zero so training starts as the trunk alone.
The released code (gv-benchmark ``central_model.py``) pairs a main and an
auxiliary backbone the same way.
"""
import copy
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule, ModuleDict

from mmintern.registry import register_model
from ..layers.cross_branch_fusion import CrossBranchFusion

__all__ = ['UpGGeneralist']

TRUNK = 'trunk'


@register_model
class UpGGeneralist(BaseModule):
    """Up-G: a trunk plus frozen expert branches fused into its outputs.

    Every branch is a backbone built from a config (MetaNet, or any backbone
    of the host library: the configs are built with mmengine's root
    ``MODELS``, so under ``default_scope='mmdet'`` an expert may be an mmdet
    ``ResNet``). All branches get the same ``out_indices`` and see the same
    input. The output ``k`` of the trunk (a feature index in the trunk's
    ``out_indices`` numbering) that is in ``fuse_indices`` becomes::

        trunk_k + sum_e fusion[e][k](resize(expert_e_k.detach()))

    with :class:`CrossBranchFusion` (1x1 conv + BN with zero-initialised BN
    weight and bias, then nearest resize to the trunk's spatial size): at
    initialisation the outputs are exactly the trunk's. The other outputs
    are the trunk's. The fusion is applied to the outputs, not between the
    trunk's stages, so any backbone can be the trunk.

    Experts are detached either way; with ``freeze_experts=True`` (the
    default) they also run under ``torch.no_grad()``, their parameters have
    ``requires_grad=False`` and they stay in eval mode (their BN statistics
    do not move) whatever ``train()`` is called with.

    ``frozen_stages`` and ``norm_eval`` are the trunk's (set them in its
    config; the trunk's own ``train()`` applies them), and
    :meth:`get_layer_depth` delegates to it for layer-wise lr decay.

    Args:
        trunk (dict): Config of the shared trunk, e.g.
            ``dict(type='MetaNet', arch='b4', out_indices=(1, 2, 4, 5))``.
        experts (dict): Expert name (``'image'``, ``'patch'``, ``'pixel'``,
            ...) to backbone config.
        fuse_indices (int | Sequence[int], optional): The outputs that
            receive fusion, as feature indices like ``out_indices`` (must be
            among them; negative ones are resolved as the trunk's
            ``parse_out_indices`` does when it has one). None fuses every
            output. Defaults to None.
        out_indices (int | Sequence[int], optional): Set as ``out_indices``
            of the trunk and of every expert. None takes the trunk config's
            (or leaves every config as it is when it has none).
        freeze_experts (bool): Freeze the experts. Defaults to True.
        expert_checkpoints (dict, optional): Expert name to ``(checkpoint,
            prefix)`` (or just a checkpoint path, or a dict of
            ``PretrainedInit`` arguments), set as the expert's
            ``init_cfg=dict(type='Pretrained', checkpoint=..., prefix=...)``
            and loaded by :meth:`init_weights`, e.g.
            ``dict(image=('upe_cls.pth', 'backbone.'))``.
        channels (dict, optional): Branch name (``'trunk'`` or an expert's)
            to its output channels, one per returned output, in order. Needed
            for a branch whose backbone has no ``out_channels`` attribute;
            MetaNet's (one per stage plus the head width, indexed by feature
            index) is read when a branch is not listed.
        norm_cfg (dict): Norm of the fusions. Defaults to BN.
        init_cfg (dict | list, optional): Initialization config, e.g.
            ``dict(type='Pretrained', checkpoint=..., prefix='backbone.')``
            for a trained Up-G.
    """

    def __init__(self,
                 trunk: dict,
                 experts: Dict[str, dict],
                 fuse_indices: Optional[Union[int, Sequence[int]]] = None,
                 out_indices: Optional[Union[int, Sequence[int]]] = None,
                 freeze_experts: bool = True,
                 expert_checkpoints: Optional[Dict[str, object]] = None,
                 channels: Optional[Dict[str, Sequence[int]]] = None,
                 norm_cfg: dict = dict(type='BN'),
                 init_cfg: Optional[Union[dict, list]] = None):
        super().__init__(init_cfg=init_cfg)
        from mmengine.registry import MODELS

        if not isinstance(trunk, dict):
            raise TypeError('trunk must be a backbone config dict, got '
                            f'{type(trunk).__name__}')
        if not isinstance(experts, dict) or not experts:
            raise ValueError('experts must be a non-empty dict of name -> '
                             'backbone config')
        if TRUNK in experts:
            raise ValueError(f'{TRUNK!r} cannot be an expert name')
        expert_checkpoints = dict(expert_checkpoints or {})
        unknown = set(expert_checkpoints) - set(experts)
        if unknown:
            raise KeyError(f'expert_checkpoints names {sorted(unknown)} are '
                           f'not experts ({sorted(experts)})')
        channels = dict(channels or {})
        unknown = set(channels) - set(experts) - {TRUNK}
        if unknown:
            raise KeyError(f'channels names {sorted(unknown)} are neither '
                           f'{TRUNK!r} nor experts ({sorted(experts)})')

        trunk = copy.deepcopy(dict(trunk))
        if out_indices is None:
            out_indices = trunk.get('out_indices')
        if out_indices is not None:
            out_indices = [out_indices] if isinstance(out_indices, int) \
                else list(out_indices)
            trunk['out_indices'] = out_indices
        self.trunk = MODELS.build(trunk)
        self.freeze_experts = freeze_experts

        self.experts = ModuleDict()
        for name, cfg in experts.items():
            cfg = copy.deepcopy(dict(cfg))
            if out_indices is not None:
                cfg['out_indices'] = out_indices
            if name in expert_checkpoints:
                cfg['init_cfg'] = self._pretrained(name,
                                                   expert_checkpoints[name])
            self.experts[name] = MODELS.build(cfg)

        self.out_indices = self._feature_indices(self.trunk, out_indices)
        num_outs = len(self.out_indices) if self.out_indices else None
        trunk_channels = self._branch_channels(TRUNK, self.trunk, channels,
                                               num_outs)
        num_outs = len(trunk_channels)
        if self.out_indices is None:
            self.out_indices = tuple(range(num_outs))
        self.fuse_indices = self._parse_fuse_indices(fuse_indices)
        self._fuse_positions = {
            index: self.out_indices.index(index)
            for index in self.fuse_indices
        }

        self.fusions = ModuleDict()
        for name, expert in self.experts.items():
            expert_channels = self._branch_channels(name, expert, channels,
                                                    num_outs)
            self.fusions[name] = ModuleDict({
                str(index): CrossBranchFusion(expert_channels[pos],
                                              trunk_channels[pos], norm_cfg)
                for index, pos in self._fuse_positions.items()
            })
        self.out_channels = list(getattr(self.trunk, 'out_channels',
                                         trunk_channels))
        self._freeze_experts()

    @staticmethod
    def _pretrained(name: str, spec) -> dict:
        if isinstance(spec, str):
            return dict(type='Pretrained', checkpoint=spec)
        if isinstance(spec, dict):
            return dict(type='Pretrained', **spec)
        if isinstance(spec, (tuple, list)) and len(spec) == 2:
            cfg = dict(type='Pretrained', checkpoint=spec[0])
            if spec[1]:
                cfg['prefix'] = spec[1]
            return cfg
        raise TypeError(f'expert_checkpoints[{name!r}] must be a path, '
                        f'(checkpoint, prefix) or a dict, got {spec!r}')

    @staticmethod
    def _feature_indices(trunk: nn.Module,
                         out_indices) -> Optional[Tuple[int, ...]]:
        indices = getattr(trunk, 'out_indices', out_indices)
        if indices is None:
            return None
        if isinstance(indices, int):
            indices = [indices]
        return tuple(int(i) for i in indices)

    def _branch_channels(self, name: str, branch: nn.Module,
                         channels: dict, num_outs: Optional[int]) -> List[int]:
        if name in channels:
            chans = [int(c) for c in channels[name]]
        else:
            per_feature = getattr(branch, 'out_channels', None)
            if not isinstance(per_feature, (list, tuple)) or \
                    self.out_indices is None:
                raise ValueError(
                    f'cannot tell the output channels of branch {name!r} '
                    f'({type(branch).__name__}: no out_channels list or no '
                    f'out_indices); give them as channels={{{name!r}: '
                    '[...]}, one per output')
            indices = self.out_indices
            if name != TRUNK:
                indices = self._feature_indices(branch, indices)
            chans = [int(per_feature[i]) for i in indices]
        if num_outs is not None and len(chans) != num_outs:
            raise ValueError(f'branch {name!r} has {len(chans)} output '
                             f'channels {chans}, expected {num_outs}')
        return chans

    def _parse_fuse_indices(self, fuse_indices) -> Tuple[int, ...]:
        if fuse_indices is None:
            return tuple(self.out_indices)
        if isinstance(fuse_indices, int):
            fuse_indices = [fuse_indices]
        parse = getattr(type(self.trunk), 'parse_out_indices', None)
        stages = getattr(self.trunk, 'stages', None)
        if any(i < 0 for i in fuse_indices) and parse is not None \
                and stages is not None:
            fuse_indices = parse(fuse_indices, len(stages))
        parsed = tuple(sorted(set(int(i) for i in fuse_indices)))
        missing = [i for i in parsed if i not in self.out_indices]
        if missing:
            raise IndexError(f'fuse_indices {missing} are not among the '
                             f'outputs {self.out_indices}')
        return parsed

    @property
    def frozen_stages(self) -> int:
        """The trunk's ``frozen_stages`` (-1 when it has none)."""
        return getattr(self.trunk, 'frozen_stages', -1)

    @property
    def norm_eval(self) -> bool:
        """The trunk's ``norm_eval`` (False when it has none)."""
        return getattr(self.trunk, 'norm_eval', False)

    def _freeze_experts(self) -> None:
        if not self.freeze_experts:
            return
        for expert in self.experts.values():
            expert.eval()
            for param in expert.parameters():
                param.requires_grad = False

    def train(self, mode: bool = True) -> 'UpGGeneralist':
        # nn.Module.train calls the trunk's own train(), which applies its
        # frozen_stages and norm_eval.
        super().train(mode)
        self._freeze_experts()
        return self

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        expert_outs = {}
        for name, expert in self.experts.items():
            if self.freeze_experts:
                with torch.no_grad():
                    outs = expert(x)
            else:
                outs = expert(x)
            expert_outs[name] = [out.detach() for out in outs]
        outs = list(self.trunk(x))
        if len(outs) != len(self.out_indices):
            raise RuntimeError(f'the trunk returned {len(outs)} outputs, '
                               f'expected {len(self.out_indices)}')
        for index, pos in self._fuse_positions.items():
            out = outs[pos]
            size = out.shape[-2:] if out.dim() == 4 else None
            for name, fusions in self.fusions.items():
                out = out + fusions[str(index)](expert_outs[name][pos], size)
            outs[pos] = out
        return tuple(outs)

    def get_layer_depth(self, param_name: str, prefix: str = ''):
        """Layer depth for layer-wise lr decay: the trunk's, fusions and
        experts last."""
        trunk_prefix = prefix + 'trunk.'
        if param_name.startswith(trunk_prefix) and hasattr(
                self.trunk, 'get_layer_depth'):
            return self.trunk.get_layer_depth(param_name, trunk_prefix)
        if hasattr(self.trunk, 'get_layer_depth'):
            _, num_layers = self.trunk.get_layer_depth('', trunk_prefix)
            return num_layers - 1, num_layers
        raise NotImplementedError(
            f'{type(self.trunk).__name__} has no get_layer_depth')
