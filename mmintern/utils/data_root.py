"""Where the project's small real data extracts are."""
import os
import os.path as osp

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def shared_data_root() -> str:
    """``$INTERN_DATA_ROOT`` when set, else ``../shared/data`` next to the
    repository, else the project machines' ``/work/shared/data`` (so a
    clone elsewhere, e.g. in /tmp, still finds them). The INTERN configs
    read the same variable (``'{{$INTERN_DATA_ROOT:../shared/data}}'``);
    tools that start them export this value into it."""
    if os.environ.get('INTERN_DATA_ROOT'):
        return os.environ['INTERN_DATA_ROOT']
    candidates = (osp.join(osp.dirname(REPO), 'shared', 'data'),
                  '/work/shared/data')
    return next((c for c in candidates if osp.isdir(c)), candidates[0])
