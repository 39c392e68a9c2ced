"""Feature distillation: a frozen teacher's features taught to a backbone.

INTERN's small models are distilled: every released checkpoint learned the
features of MN-B15 (classification, detection and segmentation features at
the same time) before fine-tuning. :class:`FeatureDistiller` does that for
any pair of registered models: the teacher is frozen, the student backbone
(``self.backbone``, so its weights export as ``backbone.*``) learns, through
small connectors, to give

- the teacher's pooled feature (a linear connector; cosine or MSE),
- the teacher's dense maps at the strides detection and segmentation heads
  read (8, 16, 32: a 1x1 conv connector per map, the student map resized
  to the teacher's grid; cosine per location or MSE),
- the teacher's logits, when it has a classifier (a linear student
  classifier on the pooled feature; KL at temperature ``tau``, times
  ``tau ** 2``).

The teacher's features are read with forward hooks on named modules (its
``teacher_layers``), so a teacher is any model: an mmpretrain classifier
with a ``TIMMBackbone`` (EfficientNet-Lite with its real ImageNet weights),
a MetaNet checkpoint (MN-B15 -> MN-B4, as the paper does), anything with a
``forward(inputs, mode='tensor')`` or a plain ``forward(inputs)``.

Batch format: what mmpretrain's ``PackInputs`` and ``ClsDataPreprocessor``
give, with the preprocessor's normalisation off (``mean=None``) and
``to_rgb=True``: the distiller normalises the 0-255 RGB batch for each
model with its own ``mean`` / ``std`` (EfficientNet-Lite's TF weights want
127.5 / 127.5, MetaNet ImageNet's). Labels are not used: any folder of
images is distillation data.
"""
import inspect
from typing import Dict, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmengine.registry import MODELS as ROOT_MODELS

from mmintern.registry import register_model
from ..utils import last_output, pool_feature

__all__ = ['FeatureDistiller', 'feature_loss']

IMAGENET_MEAN = (123.675, 116.28, 103.53)
IMAGENET_STD = (58.395, 57.12, 57.375)
LOSSES = ('cosine', 'mse')


def feature_loss(student: torch.Tensor, teacher: torch.Tensor,
                 kind: str) -> torch.Tensor:
    """``1 - cos`` along the channels (dim 1, averaged over the batch and
    any locations), or the mean squared error."""
    if kind == 'cosine':
        return 1 - F.cosine_similarity(student, teacher, dim=1).mean()
    if kind == 'mse':
        return F.mse_loss(student, teacher)
    raise ValueError(f'unknown feature loss {kind!r}; use one of {LOSSES}')


class _Term:
    """One loss term's settings, checked."""

    def __init__(self, name: str, cfg: Optional[dict], keys: Sequence[str]):
        cfg = dict(cfg or {})
        unknown = set(cfg) - set(keys) - {'weight'}
        if unknown:
            raise ValueError(f'{name}: unknown settings {sorted(unknown)}; '
                             f'valid: weight, {", ".join(keys)}')
        self.weight = float(cfg.pop('weight', 0.))
        if self.weight < 0:
            raise ValueError(f'{name}: weight must be >= 0 (0 turns it off), '
                             f'got {self.weight}')
        self.__dict__.update(cfg)

    @property
    def on(self) -> bool:
        return self.weight > 0


@register_model
class FeatureDistiller(BaseModel):
    """A student backbone distilled from a frozen teacher.

    Args:
        teacher (dict): Config of the teacher model (root registry), with
            its weights (e.g. ``init_cfg=dict(type='Pretrained',
            checkpoint='mmintern://tf_efficientnet_lite0')``).
        backbone (dict): Config of the student backbone; its outputs (a
            tuple of maps) feed the terms.
        teacher_layers (dict): Which teacher module's output each term
            reads: ``pooled`` (a vector or a map, pooled), ``logits``, and
            one entry per dense key of ``dense.student``, e.g.
            ``dict(pooled='neck', logits='head.fc',
            s8='backbone.timm_model.blocks.2', ...)``.
        pooled (dict, optional): ``weight``, ``loss`` (``'cosine'`` or
            ``'mse'``) and ``student`` (the index of the student output to
            pool, default -1).
        dense (dict, optional): ``weight``, ``loss`` and ``student``: a
            dict from dense key to student output index, e.g.
            ``dict(s8=0, s16=1, s32=2)``.
        logits (dict, optional): ``weight`` and ``tau`` (default 1).
        teacher_mean, teacher_std, student_mean, student_std
            (Sequence[float]): Per-channel normalisation of the 0-255 RGB
            batch for each model. Default: ImageNet's.
        probe_size (int): Side of the dummy input that finds the feature
            widths at construction. Defaults to 64.
        data_preprocessor (dict, optional): e.g.
            ``dict(type='ClsDataPreprocessor', to_rgb=True)``.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 teacher: dict,
                 backbone: dict,
                 teacher_layers: Dict[str, str],
                 pooled: Optional[dict] = None,
                 dense: Optional[dict] = None,
                 logits: Optional[dict] = None,
                 teacher_mean: Sequence[float] = IMAGENET_MEAN,
                 teacher_std: Sequence[float] = IMAGENET_STD,
                 student_mean: Sequence[float] = IMAGENET_MEAN,
                 student_std: Sequence[float] = IMAGENET_STD,
                 probe_size: int = 64,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.pooled = _Term('pooled', pooled, ('loss', 'student'))
        self.dense = _Term('dense', dense, ('loss', 'student'))
        self.logits = _Term('logits', logits, ('tau', ))
        if not (self.pooled.on or self.dense.on or self.logits.on):
            raise ValueError('FeatureDistiller needs a term: pooled, dense '
                             'and logits all have weight 0')
        for term in (self.pooled, self.dense):
            term.__dict__.setdefault('loss', 'cosine')
            if term.on and term.loss not in LOSSES:
                raise ValueError(f'unknown feature loss {term.loss!r}; use '
                                 f'one of {LOSSES}')
        self.pooled.__dict__.setdefault('student', -1)
        self.logits.__dict__.setdefault('tau', 1.)
        self.dense_keys = tuple(getattr(self.dense, 'student', {})) \
            if self.dense.on else ()
        if self.dense.on and not self.dense_keys:
            raise ValueError('dense needs student=dict(<key>=<student output '
                             'index>, ...), e.g. dict(s8=0, s16=1, s32=2)')

        self.teacher = ROOT_MODELS.build(teacher)
        # mmengine models take a mode; a bare backbone does not.
        self._teacher_modes = 'mode' in inspect.signature(
            self.teacher.forward).parameters
        self.backbone = ROOT_MODELS.build(backbone)
        for name, values in (('teacher_mean', teacher_mean),
                             ('teacher_std', teacher_std),
                             ('student_mean', student_mean),
                             ('student_std', student_std)):
            self.register_buffer(
                name, torch.tensor(values, dtype=torch.float32).view(
                    1, -1, 1, 1), persistent=False)

        needed = [k for k, on in (('pooled', self.pooled.on),
                                  ('logits', self.logits.on)) if on]
        needed += list(self.dense_keys)
        missing = [k for k in needed if k not in teacher_layers]
        if missing:
            raise KeyError(f'teacher_layers lacks {missing}: name the teacher '
                           'module whose output each term reads')
        modules = dict(self.teacher.named_modules())
        self._records: Dict[str, torch.Tensor] = {}
        self._hooks = []
        for key in needed:
            path = teacher_layers[key]
            if path not in modules:
                near = [n for n in modules if n.split('.')[-1] ==
                        path.split('.')[-1]][:5]
                raise KeyError(f'the teacher has no module {path!r} (for '
                               f'{key}); modules ending alike: {near}')
            self._hooks.append(modules[path].register_forward_hook(
                self._recorder(key)))

        # The widths, from one dummy forward of each model.
        teacher_out, student_out = self._probe(probe_size)
        self.connectors = nn.ModuleDict()
        if self.pooled.on:
            s = pool_feature(student_out[self.pooled.student])
            t = pool_feature(last_output(teacher_out['pooled']))
            self.connectors['pooled'] = nn.Linear(s.size(1), t.size(1))
        for key in self.dense_keys:
            s = student_out[self.dense.student[key]]
            t = last_output(teacher_out[key])
            if s.dim() != 4 or t.dim() != 4:
                raise ValueError(
                    f'dense {key}: needs maps from both models, got student '
                    f'{tuple(s.shape)} and teacher {tuple(t.shape)}')
            self.connectors[key] = nn.Conv2d(s.size(1), t.size(1), 1)
        if self.logits.on:
            s = pool_feature(student_out[self.pooled.student])
            t = last_output(teacher_out['logits'])
            self.connectors['logits'] = nn.Linear(s.size(1), t.size(1))

        # Frozen: no gradient, eval mode always (see train()).
        for param in self.teacher.parameters():
            param.requires_grad_(False)
        self.teacher.eval()

    def _recorder(self, key: str):

        def hook(module, args, output):
            self._records[key] = last_output(output)

        return hook

    @torch.no_grad()
    def _probe(self, size: int):
        x = torch.zeros(2, 3, size, size)
        modes = self.teacher.training, self.backbone.training
        self.teacher.eval()
        self.backbone.eval()
        teacher_out = self._teacher_features(x)
        student_out = self._student_features(x)
        self.teacher.train(modes[0])
        self.backbone.train(modes[1])
        return teacher_out, student_out

    def train(self, mode: bool = True):
        """Train the student and connectors; the teacher stays in eval."""
        super().train(mode)
        self.teacher.eval()
        return self

    def _teacher_features(self, img: torch.Tensor) -> Dict[str, torch.Tensor]:
        self._records = {}
        x = (img.float() - self.teacher_mean) / self.teacher_std
        if self._teacher_modes:
            self.teacher(x, mode='tensor')
        else:
            self.teacher(x)
        records, self._records = self._records, {}
        return records

    def _student_features(self, img: torch.Tensor) -> tuple:
        out = self.backbone(
            (img.float() - self.student_mean) / self.student_std)
        return tuple(out) if isinstance(out, (list, tuple)) else (out, )

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'tensor':
            return self._student_features(inputs)
        if mode == 'predict':
            raise RuntimeError(
                'FeatureDistiller has no predictions: its product is the '
                'student, exported as backbone.* (tools/model_converters/'
                'export_backbone.py)')
        raise RuntimeError(f'invalid mode {mode!r}: use loss, predict or '
                           'tensor')

    def loss(self, inputs: torch.Tensor,
             data_samples=None) -> Dict[str, torch.Tensor]:
        """The enabled terms, weighted (``loss_pooled``, ``loss_dense``,
        ``loss_logits``), and the student/teacher cosine of the pooled
        feature (``cos_pooled``, logged, not optimised)."""
        with torch.no_grad():
            teacher = self._teacher_features(inputs)
        student = self._student_features(inputs)
        losses = {}
        pooled = None
        if self.pooled.on or self.logits.on:
            pooled = pool_feature(student[self.pooled.student])
        if self.pooled.on:
            s = self.connectors['pooled'](pooled)
            t = pool_feature(teacher['pooled'])
            losses['loss_pooled'] = self.pooled.weight * feature_loss(
                s, t, self.pooled.loss)
            losses['cos_pooled'] = F.cosine_similarity(
                s.detach(), t, dim=1).mean()
        if self.dense.on:
            terms = []
            for key in self.dense_keys:
                t = teacher[key]
                s = self.connectors[key](student[self.dense.student[key]])
                if s.shape[-2:] != t.shape[-2:]:
                    s = F.interpolate(s, size=t.shape[-2:], mode='bilinear',
                                      align_corners=False)
                terms.append(feature_loss(s, t, self.dense.loss))
            losses['loss_dense'] = self.dense.weight * torch.stack(
                terms).mean()
        if self.logits.on:
            tau = float(self.logits.tau)
            s = self.connectors['logits'](pooled) / tau
            t = teacher['logits'] / tau
            kl = F.kl_div(F.log_softmax(s, dim=1), F.log_softmax(t, dim=1),
                          reduction='batchmean', log_target=True)
            losses['loss_logits'] = self.logits.weight * kl * tau**2
        return losses
