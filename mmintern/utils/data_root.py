"""Where the project's small real data extracts are."""
import os
import os.path as osp

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def shared_data_root() -> str:
    """``$INTERN_DATA_ROOT`` when set, else ``shared/data`` next to the
    repository (``../shared/data`` from its root). The INTERN configs read
    the same variable (``'{{$INTERN_DATA_ROOT:../shared/data}}'``); tools
    that start them export this value into it. A clone elsewhere sets the
    variable (``.ci/run`` does for CI)."""
    if os.environ.get('INTERN_DATA_ROOT'):
        return os.environ['INTERN_DATA_ROOT']
    return osp.join(osp.dirname(REPO), 'shared', 'data')


def rebase_paths(cfg, old_root: str, new_root: str) -> int:
    """Move every path under ``old_root`` in ``cfg`` to ``new_root``.

    A config builds its dataset paths from its data root when it is parsed
    (``data_root = gvb_root + '/kitti/'``), so setting the root later with
    ``--cfg-options gvb_root=...`` would change nothing else; this carries
    the change to every string equal to ``old_root`` or starting with
    ``old_root + '/'``.

    Args:
        cfg (dict | Config): The config (changed in place).
        old_root (str): The root the config was parsed with.
        new_root (str): The root to use.

    Returns:
        int: How many strings were changed.
    """
    old_root = old_root.rstrip('/')
    new_root = new_root.rstrip('/')
    changed = 0

    def rebase(value):
        nonlocal changed
        if isinstance(value, str) and (value == old_root or
                                       value.startswith(old_root + '/')):
            changed += 1
            return new_root + value[len(old_root):]
        if isinstance(value, dict) or hasattr(value, '_cfg_dict'):
            # A dict, a ConfigDict or an mmengine Config.
            for key in list(value.keys()):
                value[key] = rebase(value[key])
        elif isinstance(value, list):
            value[:] = [rebase(v) for v in value]
        elif isinstance(value, tuple):
            return tuple(rebase(v) for v in value)
        return value

    if old_root != new_root:
        rebase(cfg)
    return changed
