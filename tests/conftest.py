import os
import os.path as osp

import pytest

from mmintern.utils.data_root import shared_data_root

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
SHARED_DATA = shared_data_root()
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
