"""Paths and markers the tests share (import as ``from _utils import ...``).

The real data extracts live in ``$INTERN_DATA_ROOT`` (else ``../shared/data``
next to the repository, see ``mmintern.utils.shared_data_root``). A test
that reads them is marked ``@needs_data('cifar10', 'test')``: it is skipped,
naming what is missing, when the extract is not there, and it fails instead
where ``MMINTERN_REQUIRE_DATA=1`` (CI sets it: CI must not pass by skipping).
"""
import os
import os.path as osp

import pytest
from mmengine.hooks import Hook

from mmintern.utils.data_root import shared_data_root

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
SHARED_DATA = shared_data_root()
REQUIRE_DATA = os.environ.get('MMINTERN_REQUIRE_DATA') == '1'


def config_path(*parts: str) -> str:
    return osp.join(REPO, 'configs', *parts)


def gvb_config(path: str, gvb_root: str):
    """A GV-B config with its data root set as a user sets it:
    ``--cfg-options gvb_root=...``."""
    from mmengine.config import Config
    from mmintern.utils.cli import merge_cfg_options
    return merge_cfg_options(Config.fromfile(path), dict(gvb_root=gvb_root))


def data_path(*parts: str) -> str:
    return osp.join(SHARED_DATA, *parts)


def needs_data(*parts: str):
    """Mark a test that reads ``SHARED_DATA/<parts>`` (handled in conftest)."""
    return pytest.mark.needs_data(data_path(*parts))


def check_data(path: str) -> str:
    """``path``, or skip (fail under MMINTERN_REQUIRE_DATA=1) when absent."""
    if not osp.exists(path):
        (pytest.fail if REQUIRE_DATA else pytest.skip)(
            f'needs the shared data extract {path}, which is not there: set '
            'INTERN_DATA_ROOT to the folder that holds the extracts')
    return path


def require_data(*parts: str) -> str:
    """``SHARED_DATA/<parts>``, checked by :func:`check_data`."""
    return check_data(data_path(*parts))


class Killed(Exception):
    pass


class KillAfter(Hook):
    """Ends the process's training abruptly after iteration ``k``, once
    that iteration's checkpoint is written (a kill with the same config, so
    the schedules keep their length)."""
    priority = 'LOWEST'  # after CheckpointHook

    def __init__(self, k):
        self.k = k

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        if runner.iter == self.k:
            raise Killed


def train_or_kill(runner, kill_after=None):
    """``runner.train()``: the model's final state (cloned), or with
    ``kill_after`` an abrupt end after that iteration's checkpoint
    (:class:`KillAfter`), and None."""
    if kill_after is not None:
        runner.register_hook(KillAfter(kill_after))
        with pytest.raises(Killed):
            runner.train()
        return None
    runner.train()
    return {k: v.clone() for k, v in runner.model.state_dict().items()}
