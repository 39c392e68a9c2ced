"""A classifier with one head per dataset: Up-E's multi-dataset training.

INTERN: A New Learning Paradigm Towards General Vision
(https://arxiv.org/abs/2111.08687), Sec. 3.3: an expert (Up-E) is trained on
several datasets of its task at once, one head per dataset over a shared
backbone; the backbone then initialises an Up-G branch.
"""
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel

from mmintern.registry import register_model

__all__ = ['MultiHeadClassifier']


def _dataset_of(sample) -> str:
    metainfo = getattr(sample, 'metainfo', None)
    if isinstance(metainfo, dict) and 'dataset' in metainfo:
        return metainfo['dataset']
    if isinstance(sample, dict) and 'dataset' in sample:
        return sample['dataset']
    if hasattr(sample, 'dataset'):
        return getattr(sample, 'dataset')
    raise KeyError('a data sample has no dataset name: put it in its '
                   "metainfo['dataset'] (e.g. meta_keys of PackInputs) or a "
                   "'dataset' key")


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


@register_model
class MultiHeadClassifier(BaseModel):
    """A shared backbone (and neck) with one linear head per dataset.

    Each sample is routed to the head of its dataset, read from
    ``data_sample.metainfo['dataset']`` (or a ``dataset`` key of a dict
    sample): a sample of dataset B never reaches head A. The features are
    the backbone's (or neck's) last output, globally average-pooled when it
    is a map; a head is an ``nn.Linear`` like mmpretrain's
    ``LinearClsHead``. Train with batches from one dataset each
    (:class:`RatioMultiDatasetSampler`), or mixed batches: both route.

    * ``loss()``: the cross-entropy of each dataset present in the batch
      (mean over its samples), averaged with ``loss_weights``:
      ``sum_d w_d * ce_d / sum_d w_d`` as ``loss``, each ``ce_d`` logged as
      ``ce_<name>``.
    * ``predict()``: each sample's softmax scores over its dataset's
      classes (``pred_score`` / ``pred_label`` of an mmpretrain
      ``DataSample``; one is made when a sample is a dict or None).
    * ``forward(mode='tensor')``: dict of dataset name to the logits of all
      samples under that head.
    * :meth:`export_trunk`: the backbone's weights with a ``backbone.``
      prefix, to initialise another model's backbone (``Pretrained``).

    mmpretrain is imported only by ``predict()``.

    Args:
        backbone (dict): Backbone config, e.g. ``dict(type='MetaNet',
            arch='b4')`` (its pooled head vector by default).
        heads (dict): Dataset name to its number of classes.
        neck (dict, optional): Neck config. Defaults to None.
        in_channels (int, optional): Feature width; None reads it from a
            backbone with ``out_channels`` and ``out_indices`` (MetaNet), the
            width of its last output (a neck must keep it).
        loss_weights (dict, optional): Dataset name to its weight in the
            loss. Missing names weigh 1.
        label_smoothing (float): Of the cross-entropy. Defaults to 0.
        data_preprocessor (dict, optional): e.g.
            ``dict(type='ClsDataPreprocessor', ...)`` under mmpretrain's
            scope; None takes mmengine's ``BaseDataPreprocessor``.
        init_cfg (dict | list, optional): Initialization config.
    """

    def __init__(self,
                 backbone: dict,
                 heads: Dict[str, int],
                 neck: Optional[dict] = None,
                 in_channels: Optional[int] = None,
                 loss_weights: Optional[Dict[str, float]] = None,
                 label_smoothing: float = 0.,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[Union[dict, list]] = None):
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        from mmengine.registry import MODELS
        if not heads:
            raise ValueError('heads must name at least one dataset')
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck) if neck is not None else None
        if in_channels is None:
            in_channels = self._infer_in_channels(self.backbone)
        self.in_channels = in_channels
        self.num_classes = {name: int(n) for name, n in heads.items()}
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
    def _infer_in_channels(backbone: nn.Module) -> int:
        channels = getattr(backbone, 'out_channels', None)
        indices = getattr(backbone, 'out_indices', None)
        if isinstance(channels, (list, tuple)) and indices is not None:
            last = indices if isinstance(indices, int) else \
                sorted(indices)[-1]
            return int(channels[last])
        raise ValueError(f'cannot tell the feature width of '
                         f'{type(backbone).__name__}; give in_channels')

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
            name = _dataset_of(sample)
            if name not in self.heads:
                raise KeyError(f'dataset {name!r} has no head; heads: '
                               f'{sorted(self.heads)}')
            groups.setdefault(name, []).append(i)
        return groups

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[list] = None,
                mode: str = 'tensor'):
        if mode == 'tensor':
            feats = self.extract_feat(inputs)
            return {name: head(feats) for name, head in self.heads.items()}
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
        total, weight_sum, losses = 0., 0., {}
        for name, idx in self._route(data_samples).items():
            labels = torch.cat([_label_of(data_samples[i]) for i in idx])
            logits = self.heads[name](feats[idx])
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
        results = list(data_samples)
        for name, idx in self._route(data_samples).items():
            scores = F.softmax(self.heads[name](feats[idx]), dim=1)
            for i, score in zip(idx, scores):
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
        state_dict = {
            f'backbone.{k}': v.detach().cpu().clone()
            for k, v in self.backbone.state_dict().items()
        }
        torch.save(dict(state_dict=state_dict), path)
        return state_dict
