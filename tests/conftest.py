import os
import os.path as osp

import pytest

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def _shared_data() -> str:
    """The real data extracts: $INTERN_DATA_ROOT, else ../shared/data next
    to the repository, else the project machines' /work/shared/data (a
    clone elsewhere, e.g. in /tmp, still finds them)."""
    if os.environ.get('INTERN_DATA_ROOT'):
        return os.environ['INTERN_DATA_ROOT']
    candidates = (osp.join(osp.dirname(REPO), 'shared', 'data'),
                  '/work/shared/data')
    return next((c for c in candidates if osp.isdir(c)), candidates[0])


SHARED_DATA = _shared_data()
# The configs read their data root from it ('{{$INTERN_DATA_ROOT:...}}'),
# in this process and in the tools the tests start.
os.environ['INTERN_DATA_ROOT'] = SHARED_DATA


def config_path(*parts: str) -> str:
    return osp.join(REPO, 'configs', *parts)


@pytest.fixture(scope='session')
def shapes_root(tmp_path_factory):
    """A small synthetic shapes dataset in COCO layout."""
    from mmintern.datasets import write_shapes_coco
    root = str(tmp_path_factory.mktemp('shapes'))
    write_shapes_coco(root, dict(train=16, val=8), seed=1)
    return root
