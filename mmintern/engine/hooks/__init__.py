from .freeze_schedule_hook import FreezeScheduleHook
from .frozen_backbone_hook import FrozenBackboneHook
from .linear_probe_hook import LinearProbeHook
from .load_stage_checkpoint_hook import LoadStageCheckpointHook
from .multi_stage_finetune_hook import MultiStageFinetuneHook
from .rng_state_hook import TorchRNGStateHook
from .switch_loss_hook import SwitchLossHook

__all__ = [
    'FrozenBackboneHook', 'FreezeScheduleHook', 'LinearProbeHook',
    'LoadStageCheckpointHook', 'MultiStageFinetuneHook',
    'SwitchLossHook', 'TorchRNGStateHook'
]
