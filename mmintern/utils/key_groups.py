"""Checkpoint keys summarised by module, for messages."""
from typing import Dict


def group_keys(keys, depth: int = 3) -> str:
    """``'none'``, or the keys grouped by their first ``depth`` dotted parts
    with counts: messages about a checkpoint's keys (an Up-G model leaves
    thousands unfilled) should say which modules, not list them.
    """
    if not keys:
        return 'none'
    groups: Dict[str, int] = {}
    for key in keys:
        parts = key.split('.')
        prefix = '.'.join(parts[:depth]) + ('.*' if len(parts) > depth
                                            else '')
        groups[prefix] = groups.get(prefix, 0) + 1
    return ', '.join(f'{prefix} ({n})' if n > 1 else prefix
                     for prefix, n in groups.items())
