"""MetaNet's unified search space as a vector of discrete decisions.

A point of the space is a :class:`~mmintern.models.backbones.metanet_arch.
MetaNetCfg`; a searcher sees it as a vector of option indices, five per
stage, in this order: block type, down-sampler, width, depth, expansion.
:class:`MetaNetSpace` maps both ways, tells which options a prefix of the
vector allows (so a sampler never proposes an invalid network), and counts
the valid points.

The constraints are the family's:

- the stages' strides are fixed (MetaNet's 1, 2, 2, 2, 1, 2 by default);
  a stride-1 stage has no down-sampler of its own (``'block'`` only);
- convolution stages (MBConv, FusedMBConv) come before token stages (MHSA,
  XCA, mixer): once a stage is a token stage, every later one is;
- attention needs whole heads: an attention stage's (MHSA, XCA) width, and
  the width entering it when its first block carries the stride, and the
  width of an attention down-sampler (LG-DSM, G-DSM), are multiples of
  ``head_dim``; the mixer (windowed token MLPs) takes any width.
"""
import itertools
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, List, Sequence, Tuple

from mmintern.models.backbones.metanet_arch import (BLOCK_TYPES,
                                                    DOWNSAMPLERS, MetaNetCfg,
                                                    StageCfg)

FIELDS = ('block', 'downsampler', 'width', 'depth', 'expansion')
CONV_BLOCKS = ('mbconv', 'fused_mbconv')
TOKEN_BLOCKS = ('mhsa', 'xca', 'mixer')
# The blocks and down-samplers with attention heads, whose widths must be
# whole heads (the mixer mixes tokens in windows: any width).
ATTENTION_BLOCKS = ('mhsa', 'xca')
ATTENTION_DSMS = ('lg_dsm', 'g_dsm')


@dataclass(frozen=True)
class StageOptions:
    """What one stage may be: the options of each of its decisions."""
    stride: int
    widths: Tuple[int, ...]
    depths: Tuple[int, ...]
    expansions: Tuple[float, ...]
    blocks: Tuple[str, ...] = BLOCK_TYPES
    downsamplers: Tuple[str, ...] = DOWNSAMPLERS

    def __post_init__(self):
        unknown = set(self.blocks) - set(BLOCK_TYPES)
        if unknown:
            raise ValueError(f'unknown block types {sorted(unknown)}; valid: '
                             f'{list(BLOCK_TYPES)}')
        unknown = set(self.downsamplers) - set(DOWNSAMPLERS)
        if unknown:
            raise ValueError(f'unknown down-samplers {sorted(unknown)}; '
                             f'valid: {list(DOWNSAMPLERS)}')
        if self.stride == 1 and tuple(self.downsamplers) != ('block', ):
            raise ValueError('a stride-1 stage down-samples nothing: its '
                             "downsamplers must be ('block',)")
        for name in ('widths', 'depths', 'expansions', 'blocks',
                     'downsamplers'):
            # Tuples: the space is hashed (its counts are cached).
            values = tuple(getattr(self, name))
            object.__setattr__(self, name, values)
            if not values or len(set(values)) != len(values):
                raise ValueError(f'{name} must be distinct options, got '
                                 f'{values}')

    def options(self, name: str) -> tuple:
        return getattr(self, name + 's')


@dataclass(frozen=True)
class MetaNetSpace:
    """The space: stem, per-stage options, head and attention head width.

    The default is the neighbourhood of MetaNet-B1 (which is one of its
    points): B1's widths, depths and expansions with their neighbours, every
    block type from the third stage on, every down-sampler on the strided
    stages.
    """
    stages: Tuple[StageOptions, ...] = field(default_factory=lambda: (
        StageOptions(1, (16, 24), (1, 2), (1, ), blocks=CONV_BLOCKS,
                     downsamplers=('block', )),
        StageOptions(2, (24, 32, 48), (1, 2, 3), (3, 4, 6),
                     blocks=CONV_BLOCKS),
        StageOptions(2, (48, 64, 96), (2, 3, 4), (4, 6)),
        StageOptions(2, (64, 96, 144), (2, 3, 4), (3, 4)),
        StageOptions(1, (96, 144), (2, 3, 4), (2, 3, 4),
                     downsamplers=('block', )),
        StageOptions(2, (144, 192, 240), (4, 6, 8), (3, 4, 5)),
    ))
    stem_width: int = 16
    head_width: int = 1280
    head_dim: int = 48

    @classmethod
    def from_dict(cls, cfg: dict) -> 'MetaNetSpace':
        cfg = dict(cfg)
        if 'stages' in cfg:
            cfg['stages'] = tuple(
                s if isinstance(s, StageOptions) else StageOptions(**s)
                for s in cfg['stages'])
        return cls(**cfg)

    # ---------------------------------------------------------- decisions
    @property
    def num_decisions(self) -> int:
        return len(FIELDS) * len(self.stages)

    def decision_name(self, index: int) -> str:
        return f'stage{index // len(FIELDS)}.{FIELDS[index % len(FIELDS)]}'

    def options(self, index: int) -> tuple:
        """The options of decision ``index``."""
        stage = self.stages[index // len(FIELDS)]
        return stage.options(FIELDS[index % len(FIELDS)])

    def decode(self, decisions: Sequence[int]) -> MetaNetCfg:
        """The network a full vector of option indices stands for;
        ValueError, naming the decision, if it is not a valid point."""
        decisions = [int(d) for d in decisions]
        if len(decisions) != self.num_decisions:
            raise ValueError(f'{len(decisions)} decisions, the space has '
                             f'{self.num_decisions} ({len(self.stages)} '
                             f'stages x {FIELDS})')
        stages = []
        for s, stage in enumerate(self.stages):
            values = {}
            for f, name in enumerate(FIELDS):
                index = decisions[s * len(FIELDS) + f]
                options = stage.options(name)
                if not 0 <= index < len(options):
                    raise ValueError(f'stage{s}.{name}: option {index} of '
                                     f'{len(options)} {options}')
                values[name] = options[index]
            stages.append(StageCfg(stride=stage.stride, **values))
        cfg = MetaNetCfg(stem_width=self.stem_width, stages=tuple(stages),
                         head_width=self.head_width, head_dim=self.head_dim)
        problem = self.why_invalid(cfg)
        if problem:
            raise ValueError(f'not a valid MetaNet of this space: {problem}')
        return cfg

    def encode(self, cfg: MetaNetCfg) -> List[int]:
        """The vector of a network of the space; ValueError naming what the
        space does not offer."""
        if isinstance(cfg, dict):
            cfg = MetaNetCfg.from_dict(cfg)
        if len(cfg.stages) != len(self.stages):
            raise ValueError(f'{len(cfg.stages)} stages, the space has '
                             f'{len(self.stages)}')
        fixed = dict(stem_width=self.stem_width, head_width=self.head_width,
                     head_dim=self.head_dim)
        for name, value in fixed.items():
            if getattr(cfg, name) != value:
                raise ValueError(f'{name} {getattr(cfg, name)}: the space '
                                 f'fixes it at {value}')
        out = []
        for s, (stage, options) in enumerate(zip(cfg.stages, self.stages)):
            if stage.stride != options.stride:
                raise ValueError(f'stage{s}: stride {stage.stride}, the space '
                                 f'fixes {options.stride}')
            for name in FIELDS:
                value, valid = getattr(stage, name), options.options(name)
                if value not in valid:
                    raise ValueError(f'stage{s}.{name} {value!r} is not an '
                                     f'option; valid: {list(valid)}')
                out.append(valid.index(value))
        problem = self.why_invalid(cfg)
        if problem:
            raise ValueError(f'not a valid MetaNet of this space: {problem}')
        return out

    def why_invalid(self, cfg: MetaNetCfg) -> str:
        """'' for a valid network, else the first broken constraint."""
        width, token = self.stem_width, False
        for s, stage in enumerate(cfg.stages):
            problem = self._stage_problem(stage.block, stage.downsampler,
                                          stage.width, token, width)
            if problem:
                return f'stage{s}: {problem}'
            width, token = stage.width, token or stage.block in TOKEN_BLOCKS
        return ''

    def _stage_problem(self, block, downsampler, width, token, width_in):
        hd = self.head_dim
        if token and block in CONV_BLOCKS:
            return f'{block} after a token stage (conv stages come first)'
        if block in ATTENTION_BLOCKS and width % hd:
            return f'{block} at width {width}, not a multiple of head_dim {hd}'
        if (block in ATTENTION_BLOCKS and downsampler == 'block'
                and width_in % hd):
            return (f'{block} whose first block takes width {width_in}, not a '
                    f'multiple of head_dim {hd}')
        if downsampler in ATTENTION_DSMS and width % hd:
            return (f'{downsampler} at width {width}, not a multiple of '
                    f'head_dim {hd}')
        return ''

    # ---------------------------------------------- what a prefix allows
    def allowed(self, prefix: Sequence[int]) -> List[int]:
        """The options of the next decision after ``prefix`` that some
        completion turns into a valid network."""
        return list(self._allowed(tuple(int(p) for p in prefix)))

    @lru_cache(maxsize=None)
    def _allowed(self, prefix: Tuple[int, ...]) -> Tuple[int, ...]:
        index = len(prefix)
        if index >= self.num_decisions:
            raise ValueError('the vector is complete')
        return tuple(i for i in range(len(self.options(index)))
                     if self._completable(prefix + (i, )))

    def _completable(self, prefix: Tuple[int, ...]) -> bool:
        n = len(FIELDS)
        done = len(prefix) // n
        width, token = self.stem_width, False
        for s in range(done):  # the whole stages of the prefix
            stage = self.stages[s]
            block = stage.blocks[prefix[s * n]]
            downsampler = stage.downsamplers[prefix[s * n + 1]]
            new_width = stage.widths[prefix[s * n + 2]]
            if self._stage_problem(block, downsampler, new_width, token,
                                   width):
                return False
            width, token = new_width, token or block in TOKEN_BLOCKS
        if done == len(self.stages):
            return True
        return self._count_from(done, token, width, prefix[done * n:]) > 0

    def _stage_choices(self, s: int, token: bool, width_in: int,
                       partial: Tuple[int, ...] = ()):
        """The (block, downsampler, width) index triples of stage ``s``
        that agree with ``partial`` and break no constraint."""
        stage = self.stages[s]
        ranges = [range(len(stage.blocks)), range(len(stage.downsamplers)),
                  range(len(stage.widths))]
        for i, fixed in enumerate(partial[:3]):
            ranges[i] = [fixed]
        for b, d, w in itertools.product(*ranges):
            if not self._stage_problem(stage.blocks[b], stage.downsamplers[d],
                                       stage.widths[w], token, width_in):
                yield b, d, w

    def _count_from(self, s: int, token: bool, width_in: int,
                    partial: Tuple[int, ...] = ()) -> int:
        stage = self.stages[s]
        # Depth and expansion constrain nothing: each option is one more
        # network (a partial stage holds at most the depth, never the
        # expansion).
        depths = 1 if len(partial) > 3 else len(stage.depths)
        free = depths * len(stage.expansions)
        total = 0
        for b, _, w in self._stage_choices(s, token, width_in, partial):
            rest = 1 if s + 1 == len(self.stages) else self._count_rest(
                s + 1, token or stage.blocks[b] in TOKEN_BLOCKS,
                stage.widths[w])
            total += free * rest
        return total

    @lru_cache(maxsize=None)
    def _count_rest(self, s: int, token: bool, width_in: int) -> int:
        return self._count_from(s, token, width_in)

    @property
    def size(self) -> int:
        """The number of valid networks in the space."""
        return self._count_from(0, False, self.stem_width)

    def describe(self) -> Dict[str, object]:
        """The decisions and their options, and the size, for a log."""
        return dict(size=self.size, head_dim=self.head_dim,
                    decisions={self.decision_name(i): list(self.options(i))
                               for i in range(self.num_decisions)})
