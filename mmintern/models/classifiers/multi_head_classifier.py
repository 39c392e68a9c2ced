"""A classifier with one head per dataset: Up-E's multi-dataset training.

INTERN: A New Learning Paradigm Towards General Vision
(https://arxiv.org/abs/2111.08687), Sec. 3.3: an expert (Up-E) is trained on
several datasets of its task at once, one head per dataset over a shared
backbone; the backbone then initialises an Up-G branch. With the GV-D label
system (Sec. 3.2), classes that several datasets label alike (CIFAR-10's
'automobile', STL-10's 'car') can share one output of a shared head
(:func:`share_label_columns`).
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.logging import print_log
from mmengine.model import BaseModel

from mmintern.datasets.transforms.add_dataset_name import dataset_of
from mmintern.registry import register_model
from mmintern.utils import save_backbone
from ..utils import last_output_width

__all__ = ['MultiHeadClassifier', 'LabelColumns', 'share_label_columns']

# Match kinds of the label system (mmintern.datasets.label_system.mapping).
MATCH_KINDS = ('exact', 'synonym', 'parent')
# The kinds that share a column by default. A 'parent' match only says that
# a class falls under a more general concept ('mountain bike' -> 'bicycle'):
# two classes with the same parent are often different things, and merging
# them would train one output for both, so they keep their own columns.
DEFAULT_SHARE_KINDS = ('exact', 'synonym')


@dataclass
class LabelColumns:
    """Where each dataset's classes sit in a shared head's outputs.

    Attributes:
        columns (dict[str, list[int]]): Dataset name to the column of each
            of its classes, in its label order.
        column_names (list[str]): A readable name per column: the concept
            name of a shared column, ``'<dataset>/<class>'`` of an own one.
        shared (dict[int, str]): Shared column to its concept id.
        mappings (dict[str, ClassMapping]): Each dataset's label-system
            mapping (:func:`mmintern.datasets.label_system.map_classes`).
        reasons (dict[str, dict[int, str]]): Dataset name to class index to
            why that class has a column of its own.
        share_kinds (tuple[str]): The match kinds that could share.
    """
    columns: Dict[str, List[int]]
    column_names: List[str]
    shared: Dict[int, int]
    mappings: Dict[str, object] = field(default_factory=dict)
    reasons: Dict[str, Dict[int, str]] = field(default_factory=dict)
    share_kinds: Tuple[str, ...] = DEFAULT_SHARE_KINDS

    @property
    def num_columns(self) -> int:
        return len(self.column_names)

    def summary(self) -> str:
        """A readable table: each shared column with the classes it
        merges, then each dataset's own columns and why."""
        num_classes = sum(len(cols) for cols in self.columns.values())
        lines = [
            f'label sharing ({"/".join(self.share_kinds)} matches share): '
            f'{self.num_columns} columns for {num_classes} classes of '
            f'{len(self.columns)} datasets, {len(self.shared)} shared'
        ]
        for col, cid in sorted(self.shared.items()):
            members = []
            for name, cols in self.columns.items():
                for index, c in enumerate(cols):
                    if c == col:
                        match = self.mappings[name].matches[index]
                        members.append(f'{name}:{match.name!r} '
                                       f'({match.kind})')
            lines.append(f'  [{col}] shared {self.column_names[col]!r} '
                         f'(concept {cid}): {", ".join(members)}')
        for name, cols in self.columns.items():
            own = [
                f'[{cols[index]}] {self.mappings[name].matches[index].name!r}'
                f' ({why})'
                for index, why in sorted(self.reasons[name].items())
            ]
            lines.append(f'  {name}: {len(own)} own: '
                         f'{"; ".join(own) or "none"}')
        return '\n'.join(lines)


def share_label_columns(
        classes: Dict[str, Sequence[str]],
        share_kinds: Sequence[str] = DEFAULT_SHARE_KINDS,
        overrides: Optional[Dict[str, Dict[str, str]]] = None,
        graph=None) -> LabelColumns:
    """Lay out the columns of one head shared by several datasets.

    Each dataset's class names are mapped onto GV-D concept ids
    (:func:`mmintern.datasets.label_system.map_classes`). Classes of
    different datasets whose match kind is in ``share_kinds`` and that map
    to the same concept share one column; every other class gets a column
    of its own (never dropped): unmatched names, matches of another kind
    (by default 'parent'), concepts no other dataset has, and concepts that
    two or more classes of one dataset map to (the dataset tells them
    apart, so one column cannot stand for them; they do not share).

    Columns are numbered in order of first appearance, walking the datasets
    in the order given and each one's classes in label order, so the layout
    is deterministic.

    Args:
        classes (dict[str, Sequence[str]]): Dataset name to its class names
            in label order.
        share_kinds (Sequence[str]): Match kinds that share. Defaults to
            ``('exact', 'synonym')``.
        overrides (dict[str, dict[str, str]], optional): Dataset name to
            class name -> concept id (a WordNet id such as ``'n02958343'``),
            over the label system's own (``label_system.OVERRIDES``, read
            for datasets named by their label-system key, e.g. ``coco``).
        graph (ConceptGraph, optional): Defaults to the shipped GV-D one.

    Returns:
        LabelColumns: The layout, with the mappings and a summary.
    """
    # Imported here: mmintern.datasets pulls in the dataset stack, which a
    # classifier without label sharing does not need.
    from mmintern.datasets.label_system import (load_concept_graph,
                                                map_classes)

    unknown = set(share_kinds) - set(MATCH_KINDS)
    if unknown:
        raise ValueError(f'share_kinds {sorted(unknown)} are not match kinds '
                         f'{MATCH_KINDS}')
    overrides = dict(overrides or {})
    unknown = set(overrides) - set(classes)
    if unknown:
        raise KeyError(f'overrides name datasets {sorted(unknown)} that have '
                       f'no classes ({sorted(classes)})')
    graph = graph if graph is not None else load_concept_graph()
    mappings = {
        name: map_classes(list(names), graph, name, overrides.get(name))
        for name, names in classes.items()
    }
    # concept -> the (dataset, class index) that may share it; a concept
    # that several classes of one dataset map to is left out for it.
    reasons: Dict[str, Dict[int, str]] = {name: {} for name in classes}
    candidates: Dict[str, List[Tuple[str, int]]] = {}
    for name, mapping in mappings.items():
        by_concept: Dict[str, List[int]] = {}
        for match in mapping.matches:
            if match.concept_id is None:
                reasons[name][match.index] = 'unmatched'
            elif match.kind not in share_kinds:
                reasons[name][match.index] = \
                    f'{match.kind} match {match.concept_name!r}, not shared'
            else:
                by_concept.setdefault(match.concept_id, []).append(
                    match.index)
        for cid, indices in by_concept.items():
            if len(indices) > 1:
                names = [mapping.matches[i].name for i in indices]
                for i in indices:
                    reasons[name][i] = (f'{len(indices)} classes {names} '
                                        f'map to {graph[cid].name!r}')
            else:
                candidates.setdefault(cid, []).append((name, indices[0]))
    concept_of = {}
    for cid, members in candidates.items():
        if len(members) > 1:
            concept_of.update({member: cid for member in members})
        else:
            name, index = members[0]
            reasons[name][index] = (f'{graph[cid].name!r} is in no other '
                                    'dataset')

    columns: Dict[str, List[int]] = {}
    column_names: List[str] = []
    shared: Dict[int, str] = {}
    column_of_concept: Dict[str, int] = {}
    for name, names in classes.items():
        cols = []
        for index, class_name in enumerate(names):
            cid = concept_of.get((name, index))
            if cid is None:
                cols.append(len(column_names))
                column_names.append(f'{name}/{class_name}')
                continue
            if cid not in column_of_concept:
                column_of_concept[cid] = len(column_names)
                shared[len(column_names)] = cid
                column_names.append(graph[cid].name)
            cols.append(column_of_concept[cid])
        columns[name] = cols
    return LabelColumns(columns, column_names, shared, mappings, reasons,
                        tuple(share_kinds))


def _label_of(sample) -> torch.Tensor:
    label = sample['gt_label'] if isinstance(sample, dict) \
        else getattr(sample, 'gt_label', None)
    if label is None:
        raise KeyError('a data sample has no gt_label')
    label = torch.as_tensor(label).reshape(-1)
    if label.numel() != 1:
        raise ValueError('MultiHeadClassifier takes one label per sample, '
                         f'got {label.numel()}')
    return label


def _check_classes(classes) -> Dict[str, Tuple[str, ...]]:
    if not isinstance(classes, dict):
        raise TypeError('classes must be a dict of dataset name to class '
                        f'names, got {type(classes).__name__}')
    out = {}
    for name, names in classes.items():
        if isinstance(names, str):
            raise TypeError(f'the classes of {name!r} must be a sequence of '
                            f'names, got the string {names!r}')
        names = tuple(names)
        if not names or not all(isinstance(n, str) and n for n in names):
            raise ValueError(f'the classes of {name!r} must be non-empty '
                             f'strings, got {names!r}')
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f'dataset {name!r} names classes twice: {dup}')
        out[name] = names
    return out


@register_model
class MultiHeadClassifier(BaseModel):
    """A shared backbone (and neck) with one linear head per dataset, or
    one head shared through the GV-D label system.

    Each sample is routed to the classes of its dataset, read from
    ``data_sample.metainfo['dataset']`` (or a ``dataset`` key of a dict
    sample). The features are the backbone's (or neck's) last output,
    globally average-pooled when it is a map; heads are ``nn.Linear`` like
    mmpretrain's ``LinearClsHead``. Train with batches from one dataset
    each (:class:`RatioMultiDatasetSampler`), or mixed batches: both route.

    **Separate heads** (default, ``share_classes=False``): ``heads`` (or
    the class counts of ``classes``) gives one ``nn.Linear`` per dataset in
    ``self.heads``; a sample of dataset B never reaches head A.

    **Shared head** (``share_classes=True``, needs ``classes``): one
    ``nn.Linear`` (``self.shared_head``) whose columns are laid out by
    :func:`share_label_columns`: classes of different datasets that map to
    the same GV-D concept by an exact or synonym match share a column, all
    others get their own (see :attr:`label_columns` and its ``summary()``,
    logged at build time). A dataset's logits are the shared head's
    outputs gathered at its columns (:attr:`columns`), in its label order,
    so everything below sees per-dataset logits, exactly as with separate
    heads: a dataset is never penalised for classes it does not label, and
    its labels and metrics stay its own. Gradients of a batch reach only
    that batch's datasets' columns (others get zero gradient); note that an
    optimizer with momentum or weight decay still moves the other rows of
    the shared weight, where separate heads are skipped (their gradient is
    None).

    * ``loss()``: the cross-entropy of each dataset present in the batch
      (mean over its samples, over its own classes only), averaged with
      ``loss_weights``: ``sum_d w_d * ce_d / sum_d w_d`` as ``loss``, each
      ``ce_d`` logged as ``ce_<name>``.
    * ``predict()``: each sample's softmax scores over its dataset's
      classes in its label order (``pred_score`` / ``pred_label`` of an
      mmpretrain ``DataSample``; one is made when a sample is a dict or
      None).
    * ``forward(mode='tensor')``: dict of dataset name to the logits of all
      samples over that dataset's classes.
    * :meth:`export_trunk`: the backbone's weights with a ``backbone.``
      prefix, to initialise another model's backbone (``Pretrained``).

    mmpretrain is imported only by ``predict()``, the label system only
    with ``share_classes``.

    Args:
        backbone (dict): Backbone config, e.g. ``dict(type='MetaNet',
            arch='b4')`` (its pooled head vector by default).
        heads (dict, optional): Dataset name to its number of classes. May
            be left out when ``classes`` is given; if both are, they must
            agree.
        neck (dict, optional): Neck config. Defaults to None.
        in_channels (int, optional): Feature width; None reads it from a
            backbone with ``out_channels`` and ``out_indices`` (MetaNet), the
            width of its last output (a neck must keep it).
        loss_weights (dict, optional): Dataset name to its weight in the
            loss. Missing names weigh 1.
        label_smoothing (float): Of the cross-entropy. Defaults to 0.
        classes (dict, optional): Dataset name to its class names in label
            order. Required by ``share_classes``.
        share_classes (bool): One head shared through the label system
            instead of one head per dataset. Defaults to False.
        share_kinds (Sequence[str]): The match kinds that share a column.
            Defaults to ``('exact', 'synonym')``: a 'parent' match is a
            more general concept, not the same class, so it does not share.
        overrides (dict, optional): Dataset name to class name -> concept
            id for the label system, over its own corrections (see
            :func:`share_label_columns`).
        data_preprocessor (dict, optional): e.g.
            ``dict(type='ClsDataPreprocessor', ...)`` under mmpretrain's
            scope; None takes mmengine's ``BaseDataPreprocessor``.
        init_cfg (dict | list, optional): Initialization config.
    """

    def __init__(self,
                 backbone: dict,
                 heads: Optional[Dict[str, int]] = None,
                 neck: Optional[dict] = None,
                 in_channels: Optional[int] = None,
                 loss_weights: Optional[Dict[str, float]] = None,
                 label_smoothing: float = 0.,
                 classes: Optional[Dict[str, Sequence[str]]] = None,
                 share_classes: bool = False,
                 share_kinds: Sequence[str] = DEFAULT_SHARE_KINDS,
                 overrides: Optional[Dict[str, Dict[str, str]]] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[Union[dict, list]] = None):
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        from mmengine.registry import MODELS
        self.classes = _check_classes(classes) if classes is not None \
            else None
        heads = self._check_heads(heads, self.classes)
        if share_classes and self.classes is None:
            raise ValueError('share_classes maps class names onto the label '
                             'system: give classes (dataset -> names)')
        if overrides and not share_classes:
            raise ValueError('overrides are read by the label system only: '
                             'set share_classes=True or drop them')
        self.num_classes = {name: int(n) for name, n in heads.items()}
        self.share_classes = bool(share_classes)

        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck) if neck is not None else None
        if in_channels is None:
            in_channels = last_output_width(self.backbone)
        self.in_channels = in_channels
        self.label_columns: Optional[LabelColumns] = None
        if self.share_classes:
            self.heads = None
            layout = share_label_columns(self.classes, share_kinds,
                                         overrides)
            self.label_columns = layout
            self.shared_head = nn.Linear(in_channels, layout.num_columns)
            # Buffers, so that .to()/.cuda() move the indices with the
            # model; not persistent: the layout is rebuilt from the config,
            # and checkpoints keep the plain keys of a Linear.
            self._column_buffers = {}
            for i, (name, cols) in enumerate(layout.columns.items()):
                buffer = f'columns_{i}'
                self.register_buffer(buffer, torch.tensor(cols),
                                     persistent=False)
                self._column_buffers[name] = buffer
            print_log('MultiHeadClassifier ' + layout.summary(),
                      logger='current')
        else:
            self.shared_head = None
            self.heads = nn.ModuleDict({
                name: nn.Linear(in_channels, n)
                for name, n in self.num_classes.items()
            })
        loss_weights = dict(loss_weights or {})
        unknown = set(loss_weights) - set(heads)
        if unknown:
            raise KeyError(f'loss_weights names {sorted(unknown)} have no '
                           f'head ({sorted(heads)})')
        self.loss_weights = {
            name: float(loss_weights.get(name, 1.))
            for name in self.num_classes
        }
        self.label_smoothing = label_smoothing

    @staticmethod
    def _check_heads(heads, classes) -> Dict[str, int]:
        if heads is None:
            if classes is None:
                raise ValueError('give heads (dataset -> number of classes) '
                                 'or classes (dataset -> class names)')
            heads = {name: len(names) for name, names in classes.items()}
        if not heads:
            raise ValueError('heads must name at least one dataset')
        if classes is not None:
            if set(heads) != set(classes):
                raise ValueError(f'heads {sorted(heads)} and classes '
                                 f'{sorted(classes)} name different datasets')
            wrong = {name: (int(n), len(classes[name]))
                     for name, n in heads.items()
                     if int(n) != len(classes[name])}
            if wrong:
                raise ValueError('class count mismatch, dataset: (heads, '
                                 f'len(classes)): {wrong}')
        bad = {name: n for name, n in heads.items() if int(n) < 1}
        if bad:
            raise ValueError(f'every head needs a class, got {bad}')
        return heads

    @property
    def columns(self) -> Dict[str, torch.Tensor]:
        """Dataset name to the shared-head column of each of its classes
        (label order); empty without ``share_classes``."""
        if not self.share_classes:
            return {}
        return {name: getattr(self, buffer)
                for name, buffer in self._column_buffers.items()}

    def extract_feat(self, inputs: torch.Tensor) -> torch.Tensor:
        """The pooled ``(N, C)`` features of the backbone (and neck)."""
        x = self.backbone(inputs)
        if self.neck is not None:
            x = self.neck(x)
        if isinstance(x, (tuple, list)):
            x = x[-1]
        if x.dim() == 4:
            x = x.mean(dim=(2, 3))
        return x.flatten(1)

    def _route(self, data_samples: Sequence) -> Dict[str, List[int]]:
        groups: Dict[str, List[int]] = {}
        for i, sample in enumerate(data_samples):
            name = dataset_of(sample)
            if name not in self.num_classes:
                raise KeyError(f'dataset {name!r} has no head; heads: '
                               f'{sorted(self.num_classes)}')
            groups.setdefault(name, []).append(i)
        return groups

    def dataset_logits(
        self, feats: torch.Tensor,
        groups: Dict[str, Optional[List[int]]]
    ) -> Dict[str, torch.Tensor]:
        """The logits over each dataset's classes, in its label order.

        Args:
            feats (Tensor): ``(N, C)`` features.
            groups (dict): Dataset name to the rows of ``feats`` to score
                (None: all rows).

        Returns:
            dict[str, Tensor]: Dataset name to ``(rows, num_classes)``.
        """
        out = {}
        if not self.share_classes:
            for name, idx in groups.items():
                out[name] = self.heads[name](
                    feats if idx is None else feats[idx])
            return out
        # One matmul for the batch; each dataset then reads its columns, so
        # only those columns enter its loss and get gradient.
        full = self.shared_head(feats)
        columns = self.columns
        for name, idx in groups.items():
            rows = full if idx is None else full[idx]
            out[name] = rows.index_select(1, columns[name])
        return out

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[list] = None,
                mode: str = 'tensor'):
        if mode == 'tensor':
            feats = self.extract_feat(inputs)
            return self.dataset_logits(
                feats, {name: None for name in self.num_classes})
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise RuntimeError(f'Invalid mode "{mode}".')

    def loss(self, inputs: torch.Tensor,
             data_samples: Sequence) -> Dict[str, torch.Tensor]:
        if not data_samples:
            raise ValueError('loss() needs the data samples to route')
        feats = self.extract_feat(inputs)
        groups = self._route(data_samples)
        logits_of = self.dataset_logits(feats, groups)
        total, weight_sum, losses = 0., 0., {}
        for name, idx in groups.items():
            labels = torch.cat([_label_of(data_samples[i]) for i in idx])
            if labels.min() < 0 or labels.max() >= self.num_classes[name]:
                raise ValueError(
                    f'labels of dataset {name!r} must be in [0, '
                    f'{self.num_classes[name]}), got {labels.tolist()}')
            logits = logits_of[name]
            ce = F.cross_entropy(logits, labels.to(logits.device).long(),
                                 label_smoothing=self.label_smoothing)
            losses[f'ce_{name}'] = ce.detach()
            total = total + self.loss_weights[name] * ce
            weight_sum += self.loss_weights[name]
        if weight_sum <= 0:
            raise ValueError('the datasets of this batch all weigh 0')
        losses['loss'] = total / weight_sum
        return losses

    def predict(self, inputs: torch.Tensor,
                data_samples: Sequence) -> list:
        from mmpretrain.structures import DataSample
        if not data_samples:
            raise ValueError('predict() needs the data samples to route')
        feats = self.extract_feat(inputs)
        groups = self._route(data_samples)
        results = list(data_samples)
        for name, logits in self.dataset_logits(feats, groups).items():
            scores = F.softmax(logits, dim=1)
            for i, score in zip(groups[name], scores):
                sample = results[i]
                if not isinstance(sample, DataSample):
                    sample = DataSample(metainfo=dict(dataset=name))
                    results[i] = sample
                sample.set_pred_score(score).set_pred_label(
                    score.argmax(keepdim=True))
        return results

    def export_trunk(self, path: str) -> Dict[str, torch.Tensor]:
        """Save the backbone's weights as ``{'state_dict': {'backbone.*'}}``.

        Plain CPU tensors only, loadable with ``torch.load(...,
        weights_only=True)`` and by ``dict(type='Pretrained',
        checkpoint=path, prefix='backbone.')``, e.g. in an Up-G
        ``expert_checkpoints``. Returns the saved state dict.
        """
        return save_backbone(self.backbone.state_dict(), path)
