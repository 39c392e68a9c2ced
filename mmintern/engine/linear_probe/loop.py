"""GV-B's fast linear probe as an mmengine train loop."""
import os.path as osp
from typing import Optional, Sequence

from mmengine.runner import BaseLoop

from mmintern.registry import register_loop
from ..hooks.schedule_utils import unwrap_model
from .feature_cache import extract_features, one_pass_loader
from .solver import DEFAULT_WEIGHT_DECAYS, fit_linear_probe

__all__ = ['LinearProbeLoop']


@register_loop
class LinearProbeLoop(BaseLoop):
    """Fit a classifier's linear head on its frozen features, in one pass.

    ``train_cfg = dict(type='LinearProbeLoop')`` turns a GV-B
    classification config into the fast probe for ``tools/train.py``: the
    ``before_train`` hooks run (``FrozenBackboneHook`` freezes and folds the
    backbone), the training set goes once through the model in order and in
    eval mode, :func:`fit_linear_probe` solves the probe on the features
    (the weight decay chosen on a held-out share), and the fitted classifier
    (its standardisation folded in) becomes ``model.head.fc``. The loop
    then saves ``linear_probe.pth`` in the work dir and names it in
    ``last_checkpoint``; ``tools/test.py`` evaluates it like any classifier
    checkpoint.

    Args:
        runner (Runner): The runner.
        dataloader (dict | DataLoader): The training data; its sampler is
            replaced by one ordered pass.
        weight_decays (Sequence[float]): The grid of the hold-out search.
        val_fraction (float): Share of each class held out to choose the
            weight decay. Defaults to 0.2.
        max_iter (int): L-BFGS iterations per fit. Defaults to 300.
        cache_file (str, optional): Where to cache the training features
            (reused only when it holds as many samples; key it by what made
            them, as ``tools/gvb.py`` does). Defaults to None.
        max_iters, val_interval: Ignored: they belong to the SGD schedule
            this loop replaces, so ``--cfg-options
            train_cfg.type=LinearProbeLoop`` works on any GV-B
            classification config.
    """

    def __init__(self,
                 runner,
                 dataloader,
                 weight_decays: Sequence[float] = DEFAULT_WEIGHT_DECAYS,
                 val_fraction: float = 0.2,
                 max_iter: int = 300,
                 cache_file: Optional[str] = None,
                 max_iters: Optional[int] = None,
                 val_interval: Optional[int] = None):
        if isinstance(dataloader, dict):
            dataloader = one_pass_loader(dataloader)
        super().__init__(runner, dataloader)
        self.weight_decays = tuple(weight_decays)
        self.val_fraction = val_fraction
        self.max_iter = max_iter
        self.cache_file = cache_file
        self._iter = 0
        self.probe = None

    # What the Runner and its hooks ask a train loop.
    @property
    def iter(self) -> int:
        return self._iter

    @property
    def max_iters(self) -> int:
        return 1

    @property
    def epoch(self) -> int:
        return self._iter

    @property
    def max_epochs(self) -> int:
        return 1

    def run(self):
        """Extract, fit, write the head, save the checkpoint."""
        runner = self.runner
        runner.call_hook('before_train')
        model = unwrap_model(runner)
        fc = getattr(getattr(model, 'head', None), 'fc', None)
        if fc is None:
            raise AttributeError(
                f'LinearProbeLoop fits model.head.fc, which '
                f'{type(model).__name__} does not have (expected an '
                "ImageClassifier with a LinearClsHead)")
        features, labels = extract_features(model, self.dataloader,
                                            self.cache_file)
        if features.size(1) != fc.in_features:
            raise ValueError(
                f'the backbone gives {features.size(1)}-d features, but '
                f'model.head.fc takes {fc.in_features}: set the head\'s '
                'in_channels to the backbone\'s width')
        self.probe = fit_linear_probe(
            features, labels, fc.out_features,
            weight_decays=self.weight_decays,
            val_fraction=self.val_fraction, seed=runner.seed,
            max_iter=self.max_iter)
        weight, bias = self.probe.fold_standardisation()
        fc.weight.data.copy_(weight.to(fc.weight))
        fc.bias.data.copy_(bias.to(fc.bias))
        self._iter = 1
        runner.logger.info(
            f'LinearProbeLoop: fitted on {features.size(0)} samples, weight '
            f'decay {self.probe.weight_decay:g} (hold-out top-1 '
            f'{self.probe.val_accuracy})')
        runner.call_hook('after_train')
        runner.save_checkpoint(runner.work_dir, 'linear_probe.pth',
                               save_optimizer=False,
                               save_param_scheduler=False)
        with open(osp.join(runner.work_dir, 'last_checkpoint'), 'w') as f:
            f.write(osp.join(runner.work_dir, 'linear_probe.pth'))
        return model
