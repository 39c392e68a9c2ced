"""GV-A search: MetaNet's space as decisions, searchers and rewards."""
from .loop import LOG_NAME, best_entry, read_log, run_search
from .rewards import LatencyCost, MACsCost, MnasReward
from .searchers import PPOSearcher, RandomSearcher
from .space import FIELDS, MetaNetSpace, StageOptions

__all__ = [
    'FIELDS', 'MetaNetSpace', 'StageOptions', 'PPOSearcher',
    'RandomSearcher', 'MnasReward', 'MACsCost', 'LatencyCost', 'run_search',
    'read_log', 'best_entry', 'LOG_NAME'
]
