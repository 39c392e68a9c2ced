"""MF stages 3 and 4: train the new task parameters alone on re-encoded
data, then everything on the real data."""
import copy
from typing import Optional

from mmengine.config import Config, ConfigDict
from mmengine.runner.loops import _InfiniteDataloaderIterator

from mmintern.registry import register_hook
from mmintern.utils import group_keys
from .load_stage_checkpoint_hook import LoadStageCheckpointHook
from .schedule_utils import unwrap_model


class _FastForwarded:
    """A data iterator whose first ``free`` draws return nothing.

    A resumed ``IterBasedTrainLoop`` draws (and drops) one batch per past
    iteration before it goes on; past the switch, ``free`` of those
    iterations drew from the stage-3 loader, not from this one.
    """

    def __init__(self, iterator, free: int):
        self.iterator, self.free = iterator, free

    def __iter__(self):
        return self

    def __next__(self):
        if self.free > 0:
            self.free -= 1
            return None
        return next(self.iterator)


@register_hook
class MultiStageFinetuneHook(LoadStageCheckpointHook):
    """INTERN's Multi-stage Fine-tuning, stages 3-4, for any mmengine model
    (mmpretrain classifiers, mmdet detectors, mmseg segmentors).

    It loads the pretrained checkpoint as :class:`LoadStageCheckpointHook`
    does (weights-only, keys mapped; not when the run resumed). The *new*
    task-specific parameters are those the checkpoint does not fill.

    - Stage 3, the first ``stage3`` iterations (epochs, with
      ``by_epoch=True``): only the new
      parameters train (the filled ones get ``requires_grad=False``, and the
      largest modules wholly filled are kept in eval mode, so their
      normalisation statistics and dropout stay fixed), on the data of
      ``stage3_dataloader``: the config's ``train_dataloader`` with these
      settings merged in, e.g. ``dict(dataset=dict(data_root=<the
      re-encoded copy>))`` (``tools/dataset_converters/
      reencode_dataset.py``). None keeps the real data: that is LP-FT.
    - Stage 4, from iteration (epoch) ``stage3`` on: every parameter trains
      (as it did before the hook), on the config's ``train_dataloader``. The
      backbone's own learning-rate multiplier is mmengine's:
      ``optim_wrapper.paramwise_cfg.custom_keys={'backbone':
      dict(lr_mult=...)}`` (in stage 3 the backbone has no gradient, so
      the multiplier only acts in stage 4).

    ``stage3`` equal to the schedule's length is stage 3 alone (a linear
    probe of the head; on re-encoded data, MF without stage 4); 0 is plain
    fine-tuning. The stage is derived from the iteration (epoch) alone, so
    a run resumed at any point trains as an uninterrupted one: the data
    stream of each stage resumes at its own position.

    Args:
        checkpoint (str): The pretrained checkpoint (e.g. the distilled
            MetaNet, ``backbone.*`` keys).
        stage3 (int): Iterations (epochs) of stage 3.
        stage3_dataloader (dict, optional): Settings merged onto
            ``train_dataloader`` for stage 3.
        by_epoch (bool): Whether ``stage3`` counts epochs (an
            ``EpochBasedTrainLoop``: the switch is at an epoch's start).
        mapping, strict, map_location: As :class:`LoadStageCheckpointHook`.
    """
    priority = 'VERY_HIGH'

    def __init__(self, checkpoint: Optional[str] = None, stage3: int = 0,
                 stage3_dataloader: Optional[dict] = None,
                 by_epoch: bool = False, mapping=None, strict: bool = False,
                 map_location: str = 'cpu'):
        super().__init__(checkpoint, mapping=mapping, strict=strict,
                         map_location=map_location)
        if stage3 < 0:
            raise ValueError(f'stage3 must be >= 0, got {stage3}')
        self.stage3, self.by_epoch = stage3, by_epoch
        self.stage3_dataloader = stage3_dataloader
        self.new_params, self.frozen_params, self.frozen_modules = [], [], []
        self.in_stage3 = False

    def before_train(self, runner) -> None:
        super().before_train(runner)
        model = unwrap_model(runner)
        filled = set(self.read_state()) & set(model.state_dict())
        if not filled:
            raise ValueError(
                f'MultiStageFinetuneHook: {self.checkpoint} (mapping '
                f'{self.mapping}) fills no key of the model: it is not its '
                'pretrained checkpoint')
        self.new_params = [n for n, _ in model.named_parameters()
                           if n not in filled]
        if not self.new_params:
            raise ValueError(
                f'MultiStageFinetuneHook: {self.checkpoint} fills every '
                'parameter of the model, so stage 3 has nothing to train')
        self.frozen_params = [n for n, p in model.named_parameters()
                              if n in filled and p.requires_grad]
        self.frozen_modules = _wholly_filled(model, filled)
        loop = runner.train_loop
        if self.by_epoch != (not hasattr(loop, 'dataloader_iterator')):
            raise ValueError(
                f'MultiStageFinetuneHook(by_epoch={self.by_epoch}) in a '
                f'{type(loop).__name__}: give by_epoch='
                f'{not self.by_epoch} (stage3 counts '
                f'{"iterations" if self.by_epoch else "epochs"} there)')
        self._real = (loop.dataloader,
                      getattr(loop, 'dataloader_iterator', None))
        if self.stage3_dataloader is not None:
            # Merged as _base_ configs merge (dicts into dicts).
            cfg = Config._merge_a_into_b(
                ConfigDict(self.stage3_dataloader),
                copy.deepcopy(runner.cfg.train_dataloader))
            self._stage3 = runner.build_dataloader(cfg, seed=runner.seed)
        else:
            self._stage3 = None
        unit = 'epoch' if self.by_epoch else 'iteration'
        now = runner.epoch if self.by_epoch else runner.iter
        if now < self.stage3:
            self._enter_stage3(runner)
        else:
            self.in_stage3 = False
            if self._stage3 is not None and not self.by_epoch:
                # Resumed in stage 4: the loop's catch-up counts the
                # stage-3 iterations too.
                loop.dataloader_iterator = _FastForwarded(
                    loop.dataloader_iterator, self.stage3)
        runner.logger.info(
            f'MultiStageFinetuneHook: {len(self.new_params)} new parameter '
            f'tensors ({group_keys(self.new_params)}); stage 3 for {unit}s '
            f'0-{self.stage3 - 1} on '
            f'{"re-encoded" if self._stage3 is not None else "the real"} '
            f'data, then stage 4; now in stage '
            f'{3 if self.in_stage3 else 4} at {unit} {now}')

    def _enter_stage3(self, runner) -> None:
        model = unwrap_model(runner)
        params = dict(model.named_parameters())
        for name in self.frozen_params:
            params[name].requires_grad_(False)
        if self._stage3 is not None:
            loop = runner.train_loop
            loop.dataloader = self._stage3
            if not self.by_epoch:
                loop.dataloader_iterator = _InfiniteDataloaderIterator(
                    self._stage3)
        self.in_stage3 = True

    def _enter_stage4(self, runner) -> None:
        model = unwrap_model(runner)
        params = dict(model.named_parameters())
        for name in self.frozen_params:
            params[name].requires_grad_(True)
        for name in self.frozen_modules:
            model.get_submodule(name).train(model.training)
        loop = runner.train_loop
        loop.dataloader = self._real[0]
        if not self.by_epoch:
            loop.dataloader_iterator = self._real[1]
        self.in_stage3 = False
        runner.logger.info(
            f'MultiStageFinetuneHook: stage 4 from {self.stage3} on: every '
            'parameter trains, on the real data')

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        # The loop puts the whole model in train mode before each draw.
        if self.in_stage3:
            model = unwrap_model(runner)
            for name in self.frozen_modules:
                model.get_submodule(name).eval()

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        # The next batch is drawn before the next iteration's hooks run, so
        # the data switches here, after iteration stage3 - 1.
        if (not self.by_epoch and self.in_stage3
                and runner.iter + 1 >= self.stage3):
            self._enter_stage4(runner)

    def before_train_epoch(self, runner) -> None:
        # An epoch loop iterates loop.dataloader after this hook.
        if self.by_epoch and self.in_stage3 and runner.epoch >= self.stage3:
            self._enter_stage4(runner)


def _wholly_filled(model, filled) -> list:
    """The largest modules all of whose saved tensors (parameters and
    persistent buffers) the checkpoint fills."""
    saved = set(model.state_dict())
    whole = []
    for name, module in model.named_modules():
        if not name or any(name.startswith(w + '.') for w in whole):
            continue
        keys = [k for k in module.state_dict(prefix=name + '.')
                if k in saved]
        if keys and all(k in filled for k in keys):
            whole.append(name)
    return whole
