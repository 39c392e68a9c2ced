import os

import pytest

from _utils import SHARED_DATA, check_data

# The configs read their data root from it ('{{$INTERN_DATA_ROOT:...}}'),
# in this process and in the tools the tests start.
os.environ['INTERN_DATA_ROOT'] = SHARED_DATA


def pytest_configure(config):
    config.addinivalue_line(
        'markers', 'needs_data(path): reads a shared data extract; skipped '
        'when it is missing, failed under MMINTERN_REQUIRE_DATA=1')


def pytest_runtest_setup(item):
    for mark in item.iter_markers('needs_data'):
        check_data(mark.args[0])


@pytest.fixture(scope='session')
def shapes_root(tmp_path_factory):
    """A small synthetic shapes dataset in COCO layout."""
    from mmintern.datasets import write_shapes_coco
    root = str(tmp_path_factory.mktemp('shapes'))
    write_shapes_coco(root, dict(train=16, val=8), seed=1)
    return root
