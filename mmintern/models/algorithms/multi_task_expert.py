"""One shared trunk under OpenMMLab task models: Up-E(D/S) and Up-G training.

INTERN: A New Learning Paradigm Towards General Vision
(https://arxiv.org/abs/2111.08687), Sec. 3.3: an expert (Up-E) is trained on
several datasets of its task at once, a shared backbone with one head per
dataset, and the generalist (Up-G) the same way over several tasks. Here
each dataset gets a complete model of its host library (an mmdet detector,
an mmseg segmentor, an mmpretrain classifier) whose backbone is a
:class:`TrunkView` of the one shared trunk.
"""
import copy
import logging
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmengine.logging import print_log
from mmengine.model import BaseDataPreprocessor, BaseModel, ModuleDict

from mmintern.datasets.transforms.add_dataset_name import dataset_of
from mmintern.registry import register_model
from mmintern.utils import save_backbone
from ..backbones.trunk_view import TrunkView

__all__ = ['MultiTaskExpert']

ForwardResults = Union[Dict[str, torch.Tensor], list, tuple, torch.Tensor]


def _type_scope(kind) -> Optional[str]:
    """The library of a task model type: the scope of a scoped type name
    (``'mmdet.RetinaNet'``) or the package of a class given as the type
    when that package has a registry (``mmdet``); None for an unscoped name
    (built under the current default scope).
    """
    from mmengine.registry import MODELS
    if isinstance(kind, str):
        return kind.split('.')[0] if '.' in kind else None
    package = getattr(kind, '__module__', '').split('.')[0]
    return package if package in MODELS.children else None


def _scale(value, weight: float):
    if isinstance(value, torch.Tensor):
        return value * weight
    if isinstance(value, (list, tuple)):
        # mmdet's per-level losses (RetinaHead: one tensor per FPN level).
        return [v * weight for v in value]
    raise TypeError(f'a loss is a tensor or a list of tensors, got '
                    f'{type(value).__name__}')


@register_model
class MultiTaskExpert(BaseModel):
    """A shared trunk with one complete task model per dataset.

    ``tasks`` maps a dataset name to an OpenMMLab model config (any
    ``BaseModel`` with a ``backbone`` and ``forward(inputs, data_samples,
    mode)``: ``mmdet.RetinaNet``, ``mmseg.EncoderDecoder``,
    ``mmpretrain.ImageClassifier``, ...) with its own neck, heads and
    ``data_preprocessor``. Its ``backbone`` (left out, or given and then
    ignored with a warning) is replaced by a
    :class:`TrunkView` of the shared trunk (``backbone`` here), which hands
    it the trunk outputs named in ``outputs``. The trunk is a submodule of
    this model only, so ``state_dict()`` holds it once under ``backbone.``
    (as :class:`MultiHeadClassifier` does) and each task model under
    ``tasks.<name>.``, without trunk keys.

    A task config whose type has a scope (``'mmdet.RetinaNet'``) is built
    under that default scope, so its unscoped inner types (``'FPN'``,
    ``'RetinaHead'``, ``'DetDataPreprocessor'``) resolve in its library
    whatever the config's ``default_scope``.

    Every batch comes from one dataset (:class:`RatioMultiDatasetSampler`),
    named by ``data_sample.metainfo['dataset']`` (:class:`AddDatasetName`
    plus ``'dataset'`` in the packing transform's ``meta_keys``). The
    forward runs that task model's own ``data_preprocessor`` (inside
    ``forward``, so it also runs under mmengine's DDP wrapper, whose
    ``train_step`` calls ``forward``; this model's ``data_preprocessor``
    only moves the data to the device) and then its forward:

    * ``mode='loss'``: the task's losses, keys prefixed with its name
      (``raccoon.loss_cls``) and the loss terms (keys containing ``loss``)
      multiplied by its ``loss_weights`` entry; other logged values
      (``acc_seg``) are not scaled.
    * ``mode='predict'`` / ``'tensor'``: the task model's output.

    Distributed training: in a step only the batch's task has gradients,
    the other tasks' necks and heads are idle, so DDP needs
    ``model_wrapper_cfg = dict(type='MMDistributedDataParallel',
    find_unused_parameters=True)``.

    Args:
        backbone (dict): The shared trunk's config (``MetaNet``,
            ``UpGGeneralist``, ...), built with mmengine's root ``MODELS``.
        tasks (dict): Dataset name to its task model config. A name may not
            contain ``'.'`` or ``'loss'`` (mmengine sums every logged key
            containing ``loss``; the name prefixes every key).
        outputs (dict, optional): Dataset name to the positions, in the
            trunk's returned tuple, of the outputs its model receives (e.g.
            ``(0, 1, 2, 3)`` for an FPN, ``(3, )`` for a classifier).
            Missing names receive all outputs.
        loss_weights (dict, optional): Dataset name to the weight of its
            losses. Missing names weigh 1.
        data_preprocessor (dict, optional): This model's preprocessor: only
            ``dict(type='BaseDataPreprocessor')`` (mmengine's, which moves
            the data to the device and nothing else; each task normalises
            its own). None takes it.
        init_cfg (dict | list, optional): Initialization config.
    """

    def __init__(self,
                 backbone: dict,
                 tasks: Dict[str, dict],
                 outputs: Optional[Dict[str, Sequence[int]]] = None,
                 loss_weights: Optional[Dict[str, float]] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[Union[dict, list]] = None):
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        from mmengine.registry import MODELS
        if type(self.data_preprocessor) is not BaseDataPreprocessor:
            # A normalising one would run before every task's own.
            raise TypeError(
                'MultiTaskExpert\'s data_preprocessor must be mmengine\'s '
                'BaseDataPreprocessor (device casting only), got '
                f'{type(self.data_preprocessor).__name__}; give each task '
                'its own in tasks[name][\'data_preprocessor\']')

        if not isinstance(tasks, dict) or not tasks:
            raise ValueError('tasks must be a non-empty dict of dataset name '
                             '-> task model config')
        for name in tasks:
            if not isinstance(name, str) or not name or '.' in name or \
                    'loss' in name:
                raise ValueError(
                    f'task name {name!r} is invalid: a non-empty string '
                    "without '.' (a module name) nor 'loss' (its logged "
                    'keys would all count as losses)')
        outputs = dict(outputs or {})
        loss_weights = dict(loss_weights or {})
        for arg, given in (('outputs', outputs),
                           ('loss_weights', loss_weights)):
            unknown = set(given) - set(tasks)
            if unknown:
                raise KeyError(f'{arg} names {sorted(unknown)} are not tasks '
                               f'({sorted(tasks)})')
        self.loss_weights = {}
        for name in tasks:
            weight = float(loss_weights.get(name, 1.))
            if weight < 0:
                raise ValueError(f'loss_weights[{name!r}] must be >= 0, got '
                                 f'{weight}')
            self.loss_weights[name] = weight

        self.backbone = MODELS.build(backbone)
        # mmengine's ModuleDict, not torch's: BaseModule.init_weights only
        # reaches children with an init_weights, and the task models'
        # heads need theirs (RetinaHead's prior-probability bias).
        self.tasks = ModuleDict()
        for name, cfg in tasks.items():
            self.tasks[name] = self._build_task(name, cfg, outputs.get(name))

    def _build_task(self, name: str, cfg: dict,
                    indices: Optional[Sequence[int]]) -> nn.Module:
        from mmengine.registry import MODELS

        if not isinstance(cfg, dict) or 'type' not in cfg:
            raise TypeError(f'tasks[{name!r}] must be a model config dict '
                            f'with a type, got {cfg!r}')
        cfg = copy.deepcopy(dict(cfg))
        given = cfg.get('backbone')
        if given is not None and not (isinstance(given, dict) and str(
                given.get('type', '')).split('.')[-1] == 'TrunkView'):
            # A complete model config (e.g. from a _base_ file) comes with
            # a backbone; the shared one replaces it, and saying so keeps a
            # config that meant otherwise from training silently.
            print_log(
                f'MultiTaskExpert: tasks[{name!r}] gives backbone '
                f"{given.get('type') if isinstance(given, dict) else given}"
                '; it is replaced by the shared backbone (choose the '
                'outputs it receives with outputs=)',
                logger='current', level=logging.WARNING)
        cfg['backbone'] = dict(type='TrunkView', indices=indices)
        # Build under the task's library scope (mmengine's `_scope_`, unless
        # the config gives one): its inner configs ('FPN', 'FCNHead', its
        # data preprocessor) are unscoped names that mmengine looks up in
        # the *default* scope's registry, not in the registry the outer
        # type came from.
        scope = _type_scope(cfg['type'])
        if scope is not None:
            cfg.setdefault('_scope_', scope)
        task = MODELS.build(cfg)
        view = getattr(task, 'backbone', None)
        if not isinstance(view, TrunkView):
            raise TypeError(
                f'tasks[{name!r}] ({type(task).__name__}) did not build its '
                'backbone from the config as self.backbone; a task model '
                'must (mmdet detectors, mmseg segmentors and mmpretrain '
                'classifiers do)')
        if not hasattr(task, 'data_preprocessor'):
            raise TypeError(f'tasks[{name!r}] ({type(task).__name__}) has '
                            'no data_preprocessor: it must be a BaseModel')
        view.bind(self.backbone)
        return task

    @property
    def task_names(self) -> List[str]:
        """The dataset names, in config order."""
        return list(self.tasks.keys())

    def route(self, data_samples: Optional[Sequence]) -> str:
        """The dataset of a batch: all its samples must name the same one.

        Raises:
            ValueError: No samples, or samples of several datasets.
            KeyError: A sample without a dataset name, or a name that is
                not a task.
        """
        if not data_samples:
            raise ValueError('MultiTaskExpert needs the data samples, whose '
                             "metainfo['dataset'] names the task of the "
                             'batch')
        names = [dataset_of(s) for s in data_samples]
        found = sorted(set(names))
        if len(found) > 1:
            raise ValueError(
                f'a batch mixes datasets {found}: MultiTaskExpert runs one '
                'task model per batch; sample batches with '
                'RatioMultiDatasetSampler (every batch from one dataset, '
                'its batch_size equal to the DataLoader\'s)')
        name = found[0]
        if name not in self.tasks:
            raise KeyError(f'dataset {name!r} is not a task of this model; '
                           f'tasks: {self.task_names}')
        return name

    def forward(self,
                inputs: Union[torch.Tensor, List[torch.Tensor]],
                data_samples: Optional[list] = None,
                mode: str = 'tensor') -> ForwardResults:
        """Run the batch's task model (see the class docstring).

        Args:
            inputs (Tensor | list[Tensor]): The images as the collate
                function gave them (moved to the device).
            data_samples (list): The samples, naming their dataset.
            mode (str): ``'loss'``, ``'predict'`` or ``'tensor'``.
        """
        if mode not in ('loss', 'predict', 'tensor'):
            raise RuntimeError(f'Invalid mode "{mode}". Only supports loss, '
                               'predict and tensor mode')
        name = self.route(data_samples)
        task = self.tasks[name]
        # The task's own normalisation, padding and stacking. Only 'loss'
        # is training (batch augments run): 'predict' and 'tensor' are
        # inference even in a model left in train mode.
        data = task.data_preprocessor(
            dict(inputs=inputs, data_samples=data_samples),
            training=mode == 'loss')
        results = task(data['inputs'], data.get('data_samples'), mode=mode)
        if mode != 'loss':
            return results
        weight = self.loss_weights[name]
        return {
            f'{name}.{key}': _scale(value, weight) if 'loss' in key else value
            for key, value in results.items()
        }

    def loss(self, inputs, data_samples) -> Dict[str, torch.Tensor]:
        """The prefixed, weighted losses of the batch's task."""
        return self(inputs, data_samples, mode='loss')

    def predict(self, inputs, data_samples) -> list:
        """The batch's task model's predictions."""
        return self(inputs, data_samples, mode='predict')

    def export_trunk(self, path: str) -> Dict[str, torch.Tensor]:
        """Save the shared trunk's weights as ``{'state_dict':
        {'backbone.*'}}``.

        Plain CPU tensors only, loadable with ``torch.load(...,
        weights_only=True)`` and by ``dict(type='Pretrained',
        checkpoint=path, prefix='backbone.')``, e.g. as an Up-G expert. For
        an ``UpGGeneralist`` trunk this is the whole generalist (trunk,
        experts, fusions); ``tools/model_converters/export_backbone.py
        --prefix backbone.trunk.`` takes its trunk alone. Returns the saved
        state dict.
        """
        return save_backbone(self.backbone.state_dict(), path)
