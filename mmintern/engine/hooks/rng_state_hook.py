"""Resume the model's random stream with the weights."""
from typing import Optional

import torch
from mmengine.hooks import Hook

from mmintern.registry import register_hook

KEY = 'torch_rng_state'


@register_hook
class TorchRNGStateHook(Hook):
    """Save torch's random state in checkpoints and restore it on resume.

    mmengine resumes the seed, the weights, the optimizer and the schedule,
    and replays the data (the iteration-based loop draws the batches it has
    trained again before going on, so data augmentation, which draws from
    numpy and Python's ``random``, continues exactly). What it does not
    resume is torch's random stream, which the *model* draws from: dropout,
    drop path, random masks. A resumed run therefore trains on with other
    dropout masks than an uninterrupted one, and ends with other weights.

    This hook puts torch's CPU (and, where present, CUDA) random state in
    every checkpoint it sees saved (``checkpoint['torch_rng_state']``, plain
    tensors that weights-only loading accepts) and, when the run resumed,
    restores it just before the first iteration after the resume: after the
    loop replayed the trained batches, which in an uninterrupted run were
    drawn while the model's stream stood where it was saved. The numpy and
    Python states are left alone on purpose: the replay brings them exactly
    where an uninterrupted run has them, and restoring the saved ones after
    it would make the next batches repeat random draws.

    The restored stream equals the uninterrupted one when loading a batch
    draws nothing from torch's stream (mmcv / mmpretrain / mmdet / mmseg
    transforms draw from numpy; the samplers have their own generators).
    """
    priority = 'VERY_LOW'  # restore after every other before_train_iter

    def __init__(self):
        self._pending: Optional[dict] = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        state = dict(cpu=torch.get_rng_state())
        if torch.cuda.is_available() and torch.cuda.is_initialized():
            state['cuda'] = torch.cuda.get_rng_state_all()
        checkpoint[KEY] = state

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        # Also called for load_from (no resume): only a resume restores.
        self._pending = checkpoint.get(KEY) if runner._resume else None

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        if self._pending is None:
            return
        state, self._pending = self._pending, None
        torch.set_rng_state(state['cpu'])
        cuda = state.get('cuda')
        if cuda is not None and torch.cuda.is_available():
            if len(cuda) != torch.cuda.device_count():
                runner.logger.warning(
                    f'TorchRNGStateHook: the checkpoint has the random state '
                    f'of {len(cuda)} GPUs, this process sees '
                    f'{torch.cuda.device_count()}; CUDA streams not restored')
            else:
                torch.cuda.set_rng_state_all(cuda)
        runner.logger.info('TorchRNGStateHook: restored the saved torch '
                           f'random state at iteration {runner.iter}')
