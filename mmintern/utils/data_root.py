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
