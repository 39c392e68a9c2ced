"""GV-A search: MetaNet's space as decisions, searchers and rewards."""
from .arch_config import arch_config, gvb_backbone_spec
from .loop import LOG_NAME, best_entry, evaluated, read_log, run_search
from .rewards import (DistillProbeAccuracy, LatencyCost, MACsCost,
                      MnasReward)
from .searchers import PPOSearcher, RandomSearcher, TPESearcher
from .space import FIELDS, MetaNetSpace, StageOptions

__all__ = [
    'FIELDS', 'MetaNetSpace', 'StageOptions', 'PPOSearcher',
    'RandomSearcher', 'TPESearcher', 'MnasReward', 'MACsCost', 'LatencyCost',
    'DistillProbeAccuracy', 'run_search',
    'read_log', 'best_entry', 'evaluated', 'LOG_NAME', 'arch_config',
    'gvb_backbone_spec'
]
