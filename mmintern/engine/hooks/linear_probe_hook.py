"""Score a trained backbone with the fast linear probe when training ends.

The architecture search's proxy accuracy (``configs/search/``): a short
distillation, then this probe on a labelled split the distillation never
saw, written to ``probe.json`` in the work dir, so that one
``tools/train.py`` run is one whole candidate, wherever it is launched.
"""
import json
import os
import os.path as osp
from typing import Sequence

import torch
import torch.nn as nn
from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mmintern.models.utils import last_output, pool_feature
from mmintern.registry import register_hook
from ..linear_probe import (DEFAULT_WEIGHT_DECAYS, extract_features,
                            fit_linear_probe, one_pass_loader, predict, top1)
from .schedule_utils import unwrap_model

__all__ = ['LinearProbeHook']

PROBE_FILE = 'probe.json'


class _PooledBackbone(nn.Module):
    """What :func:`extract_features` reads: the model's preprocessor, and
    the average-pooled last output of one of its backbones."""

    def __init__(self, data_preprocessor: nn.Module, backbone: nn.Module):
        super().__init__()
        self.data_preprocessor = data_preprocessor
        self.backbone = backbone

    def extract_feat(self, inputs: torch.Tensor) -> torch.Tensor:
        return pool_feature(last_output(self.backbone(inputs)))


@register_hook
class LinearProbeHook(Hook):
    """After training, fit the linear probe on ``fit_dataloader``'s pooled
    features of ``model.<backbone>`` and score it on ``eval_dataloader``.

    The top-1 accuracy (in [0, 1]), the chosen weight decay and the sample
    counts go to the log and to ``<work_dir>/probe.json`` (written by the
    main process, then renamed into place: a file there is complete).

    Args:
        fit_dataloader (dict): The labelled images the probe is fitted on.
        eval_dataloader (dict): Labelled images of the same classes, not in
            ``fit_dataloader``, that score it.
        backbone (str): The attribute of the model to probe. Defaults to
            ``'backbone'`` (a classifier's, or a distiller's student).
        weight_decays (Sequence[float]): The probe's hold-out grid.
    """

    def __init__(self, fit_dataloader: dict, eval_dataloader: dict,
                 backbone: str = 'backbone',
                 weight_decays: Sequence[float] = DEFAULT_WEIGHT_DECAYS):
        self.loaders = dict(fit=fit_dataloader, eval=eval_dataloader)
        self.backbone = backbone
        self.weight_decays = tuple(weight_decays)

    def after_train(self, runner) -> None:
        if not is_main_process():
            return
        model = unwrap_model(runner)
        backbone = getattr(model, self.backbone, None)
        if not isinstance(backbone, nn.Module):
            raise AttributeError(
                f'LinearProbeHook probes model.{self.backbone}, which '
                f'{type(model).__name__} does not have')
        probed = _PooledBackbone(model.data_preprocessor, backbone)
        (fit_x, fit_y), (eval_x, eval_y) = [
            extract_features(probed, Runner.build_dataloader(
                one_pass_loader(self.loaders[key]), seed=runner.seed))
            for key in ('fit', 'eval')]
        num_classes = int(max(fit_y.max(), eval_y.max())) + 1
        probe = fit_linear_probe(fit_x, fit_y, num_classes,
                                 weight_decays=self.weight_decays,
                                 seed=runner.seed)
        result = dict(top1=top1(predict(probe, eval_x), eval_y),
                      weight_decay=probe.weight_decay,
                      num_fit=int(fit_y.numel()),
                      num_eval=int(eval_y.numel()), dim=int(fit_x.size(1)))
        runner.logger.info(f'LinearProbeHook: top-1 {result["top1"]:.4f} on '
                           f'{result["num_eval"]} held-out images (fitted on '
                           f'{result["num_fit"]})')
        path = osp.join(runner.work_dir, PROBE_FILE)
        with open(path + '.tmp', 'w', encoding='utf-8') as f:
            json.dump(result, f)
        os.replace(path + '.tmp', path)
