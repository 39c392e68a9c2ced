"""Start a stage from the previous stage's weights."""
import os.path as osp
from typing import Dict, Optional

from mmengine.hooks import Hook

from mmintern.registry import register_hook
from mmintern.utils import group_keys, load_weights_only
from .schedule_utils import unwrap_model


def map_keys(state_dict: dict, mapping: Optional[Dict[str, str]]) -> dict:
    """Keep the keys with a mapped prefix and rename that prefix.

    The longest matching source prefix wins; ``''`` matches every key.
    ``mapping=None`` keeps every key as it is.
    """
    if mapping is None:
        return dict(state_dict)
    sources = sorted(mapping, key=len, reverse=True)
    mapped = {}
    for key, value in state_dict.items():
        for src in sources:
            if key.startswith(src):
                mapped[mapping[src] + key[len(src):]] = value
                break
    return mapped


@register_hook
class LoadStageCheckpointHook(Hook):
    """Initialize the model from the previous INTERN stage's checkpoint.

    Up-A-G's output is Up-A-L's input, and so on. The previous stage's
    checkpoint (an mmengine checkpoint with ``state_dict``, or a bare state
    dict) is loaded weights-only (:func:`mmintern.utils.load_weights_only`:
    tensors and plain containers, no pickled code). Keys are mapped by
    prefix: with ``mapping={'image_encoder.': 'backbone.'}`` only keys
    starting with ``image_encoder.`` are kept, renamed to ``backbone.*``;
    ``mapping=None`` keeps all keys. It logs how many tensors were loaded and
    which model keys the checkpoint did not fill.

    When it loads: in ``before_train``, not ``before_run``. mmengine calls
    ``before_run`` *before* ``init_weights`` (which would re-initialize
    modules with an ``init_cfg`` over the loaded weights) and before
    ``load_or_resume``, when whether the run resumes is not known yet:
    ``runner._resume`` / ``cfg.resume`` is also True for an auto-resume
    (``tools/train.py --resume``) in an empty work dir, where nothing is
    resumed and the stage checkpoint is needed. In ``before_train`` the
    runner has finished ``load_or_resume``, and it resumed exactly when
    ``runner._resume and runner._has_loaded``: then the resumed checkpoint
    already holds the trained weights (the stage checkpoint's included) and
    the hook does nothing, not even look for the file. A ``load_from``
    (without resume) is loaded first and the stage checkpoint over it.
    Hooks that copy the model in ``before_run`` (EMAHook) copy it before
    this load.

    A stage may take weights from several earlier stages (Up-G: its trunk
    from Up-A, its expert branches from the three Up-E experts): give it one
    hook per source, each with its ``stage`` and ``mapping``.

    Args:
        checkpoint (str, optional): The source stage's checkpoint.
            ``tools/intern_pipeline.py`` sets it; a fresh run without one
            raises ValueError.
        mapping (dict[str, str], optional): Source prefix -> model prefix.
            Defaults to None (all keys, unchanged).
        stage (str, optional): Which earlier stage of a pipeline the
            checkpoint comes from: its config file name without ``.py``
            (e.g. ``'up-a-l_metanet-b1_flickr8k'``). None means the stage
            just before. Only ``tools/intern_pipeline.py`` reads it.
        strict (bool): Raise if a model key stays unfilled or a mapped key
            is not in the model. Defaults to False (log them).
        map_location (str): Defaults to ``'cpu'``.
    """
    priority = 'VERY_HIGH'

    def __init__(self, checkpoint: Optional[str] = None,
                 mapping: Optional[Dict[str, str]] = None,
                 stage: Optional[str] = None,
                 strict: bool = False, map_location: str = 'cpu'):
        if mapping is not None and not isinstance(mapping, dict):
            raise TypeError(f'mapping must be a dict of prefixes, '
                            f'got {mapping!r}')
        if stage is not None and (not isinstance(stage, str) or not stage):
            raise TypeError(f'stage must be a config name, got {stage!r}')
        self.checkpoint = checkpoint
        self.stage = stage
        self.mapping = mapping
        self.strict = strict
        self.map_location = map_location
        self.loaded_keys = []  # the model keys the last load filled

    @staticmethod
    def resumed(runner) -> bool:
        """Whether ``load_or_resume`` resumed a checkpoint."""
        return bool(runner._resume and runner._has_loaded)

    def read_state(self) -> dict:
        """The checkpoint's state dict, its keys mapped."""
        if self.checkpoint is None:
            source = self.stage or 'the previous stage'
            raise ValueError(f'{type(self).__name__}: no checkpoint set; '
                             f'give the checkpoint of {source} '
                             '(tools/intern_pipeline.py sets it)')
        filename = osp.expanduser(str(self.checkpoint))
        if not osp.isfile(filename):
            raise FileNotFoundError(
                f'stage checkpoint {filename} does not exist')
        ckpt = load_weights_only(filename, map_location=self.map_location)
        state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) \
            else ckpt
        if not isinstance(state, dict):
            raise TypeError(f'{filename} holds no state dict')
        return map_keys(state, self.mapping)

    def before_train(self, runner) -> None:
        if self.resumed(runner):
            runner.logger.info(f'{type(self).__name__}: the run resumed, '
                               'not loading the stage checkpoint')
            return
        state = self.read_state()
        filename = self.checkpoint
        model = unwrap_model(runner)
        model_keys = list(model.state_dict())
        unexpected = sorted(set(state) - set(model_keys))
        unfilled = [k for k in model_keys if k not in state]
        if self.strict and (unexpected or unfilled):
            raise RuntimeError(
                f'LoadStageCheckpointHook (strict): {filename} with mapping '
                f'{self.mapping}: model keys left unfilled: {unfilled}; '
                f'mapped keys the model lacks: {unexpected}')
        loadable = {k: v for k, v in state.items() if k not in unexpected}
        model.load_state_dict(loadable, strict=False)
        self.loaded_keys = sorted(loadable)
        runner.logger.info(
            f'LoadStageCheckpointHook: loaded {len(loadable)} tensors from '
            f'{filename} (mapping {self.mapping}); unfilled model keys: '
            f'{group_keys(unfilled)}')
        if unexpected:
            runner.logger.warning(
                f'LoadStageCheckpointHook: {len(unexpected)} mapped keys are '
                f'not in the model, ignored: {group_keys(unexpected)}')
