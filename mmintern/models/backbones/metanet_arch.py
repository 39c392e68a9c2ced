"""The MetaNet search space as data.

A model is a stem, a list of stages and a head. A stage is (block type,
depth, width, expansion, stride, down-sampler). ``MetaNet`` builds any point
of this space; the named architectures are in ``metanet_archs.py``.
"""
from dataclasses import asdict, dataclass, fields
from typing import Sequence, Tuple

BLOCK_TYPES = ('mbconv', 'fused_mbconv', 'mhsa', 'xca', 'mixer')
# 'block': the released design, the stage's first block carries the stride.
DOWNSAMPLERS = ('block', 'l_dsm', 'lg_dsm', 'g_dsm')


def _check_keys(cls, cfg: dict, where: str) -> None:
    valid = {f.name for f in fields(cls)}
    unknown = set(cfg) - valid
    if unknown:
        raise KeyError(f'{where}: unknown keys {sorted(unknown)}; valid keys: '
                       f'{sorted(valid)}')


@dataclass(frozen=True)
class StageCfg:
    """One stage: ``depth`` blocks of one type at one width."""
    block: str
    depth: int
    width: int
    expansion: float
    stride: int = 1
    downsampler: str = 'block'

    def __post_init__(self):
        if self.block not in BLOCK_TYPES:
            raise ValueError(f'unknown block type {self.block!r}; valid: '
                             f'{list(BLOCK_TYPES)}')
        if self.downsampler not in DOWNSAMPLERS:
            raise ValueError(f'unknown downsampler {self.downsampler!r}; '
                             f'valid: {list(DOWNSAMPLERS)}')
        if self.depth < 1 or self.width < 1 or self.stride < 1:
            raise ValueError(f'depth, width and stride must be positive: '
                             f'{self}')


@dataclass(frozen=True)
class MetaNetCfg:
    """A whole MetaNet: stem width, stages, head width and defaults."""
    stem_width: int
    stages: Tuple[StageCfg, ...]
    head_width: int = 1280
    head_dim: int = 32
    drop_path_rate: float = 0.

    @classmethod
    def from_dict(cls, cfg: dict) -> 'MetaNetCfg':
        _check_keys(cls, cfg, 'MetaNet arch')
        if 'stages' not in cfg or 'stem_width' not in cfg:
            raise KeyError('MetaNet arch dict needs "stem_width" and '
                           '"stages"')
        stages = []
        for i, stage in enumerate(cfg['stages']):
            if isinstance(stage, StageCfg):
                stages.append(stage)
                continue
            _check_keys(StageCfg, stage, f'MetaNet arch stage {i}')
            stages.append(StageCfg(**stage))
        return cls(**{**cfg, 'stages': tuple(stages)})

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def depth(self) -> int:
        return sum(s.depth for s in self.stages)


def uniform_stages(blocks: Sequence[str], depths: Sequence[int],
                   widths: Sequence[int], expansions: Sequence[float],
                   strides: Sequence[int] = (1, 2, 2, 2, 1, 2),
                   downsamplers: Sequence[str] = ('block', ) * 6
                   ) -> Tuple[StageCfg, ...]:
    """Stages from per-stage columns, the way the papers write them."""
    columns = (blocks, depths, widths, expansions, strides, downsamplers)
    if len({len(c) for c in columns}) != 1:
        raise ValueError('all stage columns need the same length')
    return tuple(StageCfg(*row) for row in zip(*columns))
