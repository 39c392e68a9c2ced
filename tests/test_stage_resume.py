"""A real stage killed and resumed ends exactly where an uninterrupted run
does: the Up-G config (four LoadStageCheckpointHooks, a FreezeScheduleHook
whose boundary is crossed, RatioMultiDatasetSampler over three datasets of
three libraries) on the real data extracts."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

import mmintern  # noqa: F401
from _utils import REPO, needs_data, train_or_kill
from mmintern.models.backbones import MetaNet

UP_G = osp.join(REPO, 'configs', 'intern', 'up-g_metanet-b1_multitask.py')
MAX_ITERS = 6  # past the trunk's unfreeze at iteration 5


@pytest.fixture(scope='module')
def stage_ckpt(tmp_path_factory):
    """What each source stage hands Up-G: a MetaNet-B1 under backbone.*"""
    torch.manual_seed(5)
    state = {f'backbone.{k}': v for k, v in
             MetaNet('b1', out_indices=(4, )).state_dict().items()}
    path = str(tmp_path_factory.mktemp('stages') / 'stage.pth')
    torch.save(dict(state_dict=state), path)
    return path


def _run(work_dir, stage_ckpt, name, resume=False, kill_after=None):
    cfg = Config.fromfile(UP_G)
    for hook in cfg.custom_hooks:
        if hook.type == 'LoadStageCheckpointHook':
            hook.checkpoint = stage_ckpt
    cfg.merge_from_dict({
        'work_dir': str(work_dir), 'train_cfg.max_iters': MAX_ITERS,
        'default_hooks.checkpoint.interval': 2, 'resume': resume,
        'log_level': 'WARNING', 'experiment_name': name})
    return train_or_kill(Runner.from_cfg(cfg), kill_after)


@pytest.fixture(scope='module')
def straight(tmp_path_factory, stage_ckpt):
    """The uninterrupted run, once for both kill points (training is
    deterministic: the resume tests compare to it bit for bit)."""
    return _run(tmp_path_factory.mktemp('straight'), stage_ckpt, 'straight')


@needs_data()
@pytest.mark.parametrize('killed_at', [2, 4])
def test_resumed_up_g_equals_uninterrupted(tmp_path, stage_ckpt, straight,
                                           killed_at):
    _run(tmp_path / 'killed', stage_ckpt, f'killed{killed_at}',
         kill_after=killed_at)
    assert osp.isfile(tmp_path / 'killed' / f'iter_{killed_at}.pth')
    resumed = _run(tmp_path / 'killed', stage_ckpt, f'resumed{killed_at}',
                   resume=True)
    assert straight.keys() == resumed.keys()
    for key in straight:
        torch.testing.assert_close(resumed[key], straight[key], rtol=0,
                                   atol=0, msg=key)
    # The run trained: the trunk moved after its unfreeze at iteration 5.
    ckpt = torch.load(stage_ckpt, weights_only=True)['state_dict']
    key = 'backbone.trunk.stem.conv.weight'
    assert not torch.equal(straight[key], ckpt['backbone.stem.conv.weight'])
