"""The backbone under test in GV-B, and how it enters a dataset config.

A backbone spec is a small python config (read with mmengine's
:class:`~mmengine.config.Config`) that says which backbone to build and
which of its outputs each GV-B task reads:

.. code-block:: python

    backbone = dict(type='MetaNet', arch='b4')
    checkpoint = 'checkpoints/metanet-b4_in1k.pth'  # or None
    pooled_out_indices = -1        # the classification feature ...
    pooled_channels = 1280         # ... and its width
    dense_out_indices = (1, 2, 4, 5)        # strides 4, 8, 16, 32
    dense_channels = [64, 128, 192, 384]

A backbone whose pooled and dense outputs need different arguments (timm's
models through mmpretrain's ``TIMMBackbone``: ``features_only=True`` for the
maps) adds them in ``pooled_backbone`` / ``dense_backbone``; one trained on
other inputs than ImageNet's mean and std states its ``mean`` and ``std``
(0-255 scale), which replace the dataset config's normalisation:

.. code-block:: python

    backbone = dict(type='mmpretrain.TIMMBackbone',
                    model_name='tf_efficientnet_lite0')
    checkpoint = 'mmintern://tf_efficientnet_lite0'
    mean, std = [127.5] * 3, [127.5] * 3
    pooled_channels = 1280          # no pooled_out_indices: the model's own
    pooled_needs_gap = True         # output, the map after conv_head
    dense_backbone = dict(features_only=True)
    dense_out_indices = (1, 2, 3, 4)
    dense_channels = [24, 40, 112, 320]

:func:`apply_backbone` then swaps it into a GV-B dataset config (see
``configs/gvb/README.md``), with the channel numbers of the parts that read
the backbone. This module never imports mmdet or mmseg: it edits configs
only.
"""
import copy
import os.path as osp
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple, Union

from mmengine.config import Config, ConfigDict

TASKS = ('classification', 'detection', 'segmentation', 'depth')

REQUIRED_KEYS = ('backbone', )
# A spec may describe only the classification
# feature (a ViT without dense maps) or only the dense maps.
POOLED_KEYS = ('pooled_out_indices', 'pooled_channels')
DENSE_KEYS = ('dense_out_indices', 'dense_channels')
OPTIONAL_KEYS = ('checkpoint', 'checkpoint_prefix', 'pooled_needs_gap',
                 'pooled_backbone', 'dense_backbone', 'mean', 'std',
                 'custom_imports')
VALID_KEYS = REQUIRED_KEYS + POOLED_KEYS + DENSE_KEYS + OPTIONAL_KEYS

# GV-B's dense tasks read four maps, at strides 4, 8, 16 and 32.
NUM_DENSE_MAPS = 4

# The pooling neck mmpretrain's ImageClassifier puts between a backbone
# that returns maps and a linear head.
GAP_NECK = dict(type='GlobalAveragePooling')


@dataclass(frozen=True)
class BackboneSpec:
    """A backbone under test; see the module docstring for the fields.

    Args:
        backbone (dict): The backbone config, any registered type. Its
            ``out_indices`` is set per task by :func:`apply_backbone`.
        checkpoint (str, optional): Weights, loaded with
            ``init_cfg=dict(type='Pretrained', prefix=checkpoint_prefix)``.
            None keeps the backbone's own initialisation.
        checkpoint_prefix (str): Prefix of the backbone's keys in the
            checkpoint. Defaults to ``'backbone.'`` (a classifier's
            checkpoint).
        pooled_out_indices (int | tuple, optional): ``out_indices`` that
            gives the classification feature (the last output is used).
            None leaves ``out_indices`` unset: the backbone's own output.
        pooled_channels (int, optional): Width of that feature.
        pooled_needs_gap (bool): The pooled output is a map, not a vector:
            classification adds a global average pooling neck.
        dense_out_indices (tuple, optional): ``out_indices`` that gives the
            four maps at strides 4, 8, 16, 32.
        dense_channels (tuple, optional): Their widths.
        pooled_backbone (dict, optional): Arguments added to ``backbone``
            for the pooled feature.
        dense_backbone (dict, optional): Arguments added to ``backbone``
            for the dense maps.
        mean (tuple, optional): Per-channel input mean (RGB, 0-255) the
            backbone was trained with; None keeps the config's.
        std (tuple, optional): Likewise the standard deviation.
        source (str, optional): The file the spec was read from.
    """
    backbone: dict
    checkpoint: Optional[str] = None
    checkpoint_prefix: str = 'backbone.'
    pooled_out_indices: Optional[Union[int, Tuple[int, ...]]] = None
    pooled_channels: Optional[int] = None
    pooled_needs_gap: bool = False
    dense_out_indices: Optional[Tuple[int, ...]] = None
    dense_channels: Optional[Tuple[int, ...]] = None
    pooled_backbone: Optional[dict] = None
    dense_backbone: Optional[dict] = None
    mean: Optional[Tuple[float, ...]] = None
    std: Optional[Tuple[float, ...]] = None
    source: Optional[str] = None

    def backbone_cfg(self, out_indices, extra: Optional[dict] = None
                     ) -> dict:
        """The backbone config with ``extra``, ``out_indices`` (unless
        None) and the checkpoint."""
        cfg = copy.deepcopy(dict(self.backbone))
        cfg.update(copy.deepcopy(extra or {}))
        if out_indices is not None:
            cfg['out_indices'] = copy.deepcopy(out_indices)
        if self.checkpoint is not None:
            cfg['init_cfg'] = dict(type='Pretrained',
                                   checkpoint=self.checkpoint,
                                   prefix=self.checkpoint_prefix)
        return cfg

    def to_dict(self) -> dict:
        """The fields as plain python values (JSON-friendly)."""
        return dict(
            backbone=_plain(self.backbone), checkpoint=self.checkpoint,
            checkpoint_prefix=self.checkpoint_prefix,
            pooled_out_indices=_plain(self.pooled_out_indices),
            pooled_channels=self.pooled_channels,
            pooled_needs_gap=self.pooled_needs_gap,
            dense_out_indices=_plain(self.dense_out_indices),
            dense_channels=_plain(self.dense_channels),
            pooled_backbone=_plain(self.pooled_backbone),
            dense_backbone=_plain(self.dense_backbone),
            mean=_plain(self.mean), std=_plain(self.std))


def _plain(value):
    """ConfigDicts and tuples as dicts and lists, for JSON and comparing."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _where(source: Optional[str]) -> str:
    return f' in {source}' if source else ''


def _check_pair(values: dict, keys: Sequence[str], source: Optional[str]):
    given = [k for k in keys if values.get(k) is not None]
    if given and len(given) != len(keys):
        missing = [k for k in keys if k not in given]
        raise KeyError(f'backbone spec{_where(source)} sets {given} but not '
                       f'{missing}: give both or neither')


def _channel_values(values: dict, key: str, source: Optional[str]):
    value = values.get(key)
    if value is None:
        return None
    if not isinstance(value, (list, tuple)) or len(value) != 3:
        raise ValueError(f'backbone spec{_where(source)}: {key} must be 3 '
                         f'numbers (RGB, 0-255 scale), got {value!r}')
    return tuple(float(v) for v in value)


def spec_from_dict(values: dict, source: Optional[str] = None
                   ) -> BackboneSpec:
    """Check the keys of a spec and make a :class:`BackboneSpec`.

    Args:
        values (dict): The spec's top-level settings.
        source (str, optional): Where they come from, for error messages.

    Returns:
        BackboneSpec: The spec.
    """
    values = {k: v for k, v in values.items() if not k.startswith('_')}
    unknown = sorted(set(values) - set(VALID_KEYS))
    if unknown:
        raise KeyError(f'backbone spec{_where(source)} has unknown keys '
                       f'{unknown}; valid keys: {list(VALID_KEYS)}')
    for key in REQUIRED_KEYS:
        if key not in values:
            raise KeyError(f'backbone spec{_where(source)} has no {key!r}; '
                           f'valid keys: {list(VALID_KEYS)}')
    backbone = values['backbone']
    if not isinstance(backbone, dict) or 'type' not in backbone:
        raise TypeError(f'backbone spec{_where(source)}: backbone must be a '
                        f"config dict with a 'type', got {backbone!r}")
    if values.get('pooled_out_indices') is not None and \
            values.get('pooled_channels') is None:
        raise KeyError(f'backbone spec{_where(source)} sets '
                       "pooled_out_indices but not pooled_channels")
    _check_pair(values, DENSE_KEYS, source)
    for key in ('pooled_backbone', 'dense_backbone'):
        if values.get(key) is not None and not isinstance(values[key], dict):
            raise TypeError(f'backbone spec{_where(source)}: {key} must be a '
                            f'dict of backbone arguments, got {values[key]!r}')
    mean, std = (_channel_values(values, k, source) for k in ('mean', 'std'))
    if (mean is None) != (std is None):
        raise KeyError(f'backbone spec{_where(source)} sets one of mean / '
                       'std: give both or neither')
    if not any(values.get(k) is not None for k in POOLED_KEYS + DENSE_KEYS):
        raise KeyError(f'backbone spec{_where(source)} describes no feature: '
                       f'give {list(POOLED_KEYS)} and/or {list(DENSE_KEYS)}')

    dense_indices = values.get('dense_out_indices')
    dense_channels = values.get('dense_channels')
    if dense_channels is not None:
        dense_indices, dense_channels = tuple(dense_indices), tuple(
            int(c) for c in dense_channels)
        if len(dense_indices) != NUM_DENSE_MAPS or \
                len(dense_channels) != NUM_DENSE_MAPS:
            raise ValueError(
                f'backbone spec{_where(source)}: GV-B reads '
                f'{NUM_DENSE_MAPS} dense maps (strides 4, 8, 16, 32); got '
                f'dense_out_indices={list(dense_indices)} and '
                f'dense_channels={list(dense_channels)}')
    pooled_indices = values.get('pooled_out_indices')
    if isinstance(pooled_indices, (list, tuple)):
        pooled_indices = tuple(pooled_indices)
    pooled_channels = values.get('pooled_channels')
    return BackboneSpec(
        backbone=_plain(backbone),
        checkpoint=values.get('checkpoint'),
        checkpoint_prefix=values.get('checkpoint_prefix', 'backbone.'),
        pooled_out_indices=pooled_indices,
        pooled_channels=None if pooled_channels is None
        else int(pooled_channels),
        pooled_needs_gap=bool(values.get('pooled_needs_gap', False)),
        dense_out_indices=dense_indices,
        dense_channels=dense_channels,
        pooled_backbone=_plain(values.get('pooled_backbone')),
        dense_backbone=_plain(values.get('dense_backbone')),
        mean=mean, std=std,
        source=source)


def load_backbone_spec(path: str) -> BackboneSpec:
    """Read a backbone spec file (a python config).

    Its ``custom_imports``, if any, are imported as mmengine imports those
    of any config, so that the backbone's type is registered.

    Args:
        path (str): The spec file, e.g. ``configs/gvb/backbones/resnet50.py``.

    Returns:
        BackboneSpec: The spec.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'backbone spec {path!r} does not exist')
    cfg = Config.fromfile(path)
    return spec_from_dict(cfg.to_dict(), source=path)


def _need(spec: BackboneSpec, keys: Sequence[str], task: str) -> None:
    missing = [k for k in keys if getattr(spec, k) is None]
    if missing:
        given = [k for k in POOLED_KEYS + DENSE_KEYS
                 if getattr(spec, k) is not None]
        raise KeyError(f'{task} needs {missing} in the backbone spec'
                       f'{_where(spec.source)}; it gives {given}')


def _part(cfg: Config, name: str, task: str) -> ConfigDict:
    """``cfg.model.<name>``, or an error naming what the model has."""
    model = cfg.get('model')
    if model is None:
        raise KeyError(f'the {task} config has no model')
    part = model.get(name)
    if part is None:
        parts = [k for k, v in model.items() if isinstance(v, dict)]
        raise KeyError(f'the {task} config has no model.{name} to read the '
                       f'backbone; its model has {parts}')
    return part


def _channels_at(in_index, channels: Tuple[int, ...], where: str):
    """The width of the map(s) a decode head reads, by its ``in_index``."""
    def one(i):
        if not -len(channels) <= i < len(channels):
            raise IndexError(f'{where}.in_index {i} is out of range for the '
                             f'{len(channels)} dense maps {list(channels)}')
        return channels[i]

    if isinstance(in_index, (list, tuple)):
        return [one(i) for i in in_index]
    return one(in_index)


def _normalisation(cfg: Config, spec: BackboneSpec) -> None:
    """The spec's mean / std in every data preprocessor of the config."""
    if spec.mean is None:
        return
    preprocessors = [p for p in (cfg.get('data_preprocessor'),
                                 cfg.model.get('data_preprocessor'))
                     if p is not None]
    if not preprocessors:
        raise KeyError('the backbone spec sets mean / std but the config has '
                       'no data_preprocessor (top level or model.) to take '
                       'them')
    for preprocessor in preprocessors:
        preprocessor.mean, preprocessor.std = list(spec.mean), list(spec.std)


def _classification(cfg: Config, spec: BackboneSpec) -> None:
    _need(spec, ('pooled_channels', ), 'classification')
    head = _part(cfg, 'head', 'classification')
    cfg.model.backbone = ConfigDict(
        spec.backbone_cfg(spec.pooled_out_indices, spec.pooled_backbone))
    # The spec defines the feature completely: a neck left from the
    # config's default backbone would pool (or not) the wrong thing.
    cfg.model.neck = ConfigDict(GAP_NECK) if spec.pooled_needs_gap else None
    head.in_channels = spec.pooled_channels


def _detection(cfg: Config, spec: BackboneSpec) -> None:
    _need(spec, DENSE_KEYS, 'detection')
    neck = _part(cfg, 'neck', 'detection')
    cfg.model.backbone = ConfigDict(
        spec.backbone_cfg(spec.dense_out_indices, spec.dense_backbone))
    neck.in_channels = list(spec.dense_channels)


def _segmentation(cfg: Config, spec: BackboneSpec) -> None:
    _need(spec, DENSE_KEYS, 'segmentation')
    _part(cfg, 'decode_head', 'segmentation')
    # Every width is worked out before anything changes, so that a bad
    # in_index leaves the config as it was.
    updates = []
    for name in ('decode_head', 'auxiliary_head'):
        heads = cfg.model.get(name)
        if heads is None:
            continue
        # mmseg also takes a list of auxiliary heads.
        listed = isinstance(heads, list)
        for i, head in enumerate(heads if listed else [heads]):
            where = f'model.{name}' + (f'[{i}]' if listed else '')
            # mmseg's BaseDecodeHead reads the last map by default.
            in_index = head.get('in_index', -1)
            updates.append((head, _channels_at(in_index, spec.dense_channels,
                                               where)))
    cfg.model.backbone = ConfigDict(
        spec.backbone_cfg(spec.dense_out_indices, spec.dense_backbone))
    for head, channels in updates:
        head.in_channels = channels


def _depth(cfg: Config, spec: BackboneSpec) -> None:
    _need(spec, DENSE_KEYS, 'depth')
    head = _part(cfg, 'decode_head', 'depth')
    cfg.model.backbone = ConfigDict(
        spec.backbone_cfg(spec.dense_out_indices, spec.dense_backbone))
    head.in_channels = list(spec.dense_channels)


_APPLY = dict(classification=_classification, detection=_detection,
              segmentation=_segmentation, depth=_depth)


def apply_backbone(cfg: Config, spec: Union[BackboneSpec, dict],
                   task: str) -> Config:
    """Put the backbone under test into a GV-B dataset config, in place.

    ``model.backbone`` is replaced entirely (nothing of the config's default
    backbone is kept), with the ``out_indices`` of the task; then the
    channel numbers of what reads it:

    - classification: ``model.head.in_channels`` = ``pooled_channels``, and
      ``model.neck`` = global average pooling if ``pooled_needs_gap``, else
      None;
    - detection: ``model.neck.in_channels`` = ``dense_channels``;
    - segmentation: ``model.decode_head`` and ``model.auxiliary_head`` (if
      any) get the width of the map(s) their ``in_index`` picks (a list
      of widths for a list of indices);
    - depth: ``model.decode_head.in_channels`` = ``dense_channels``;

    and the spec's ``mean`` / ``std``, if any, in the data preprocessors.

    Args:
        cfg (Config): A GV-B dataset config, e.g. of
            ``configs/gvb/detection/voc0712.py``.
        spec (BackboneSpec | dict): The backbone under test.
        task (str): One of ``'classification'``, ``'detection'``,
            ``'segmentation'``, ``'depth'``.

    Returns:
        Config: ``cfg``, edited.
    """
    if task not in _APPLY:
        raise KeyError(f'unknown GV-B task {task!r}; valid: {list(TASKS)}')
    if isinstance(spec, dict):
        spec = spec_from_dict(spec)
    _APPLY[task](cfg, spec)
    _normalisation(cfg, spec)
    return cfg
