"""MF stages 3-4 (MultiStageFinetuneHook) on a real mmpretrain classifier
and real images: in stage 3 exactly the parameters the checkpoint did not
fill move, on the stage-3 data; stage 4 unfreezes everything and reads the
real data; a run killed in either stage resumes to the uninterrupted one."""
import glob
import os.path as osp
import shutil

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner
from PIL import Image

import mmintern  # noqa: F401
from _utils import REPO, KillAfter, Killed, needs_data, require_data
from mmintern.models.backbones import MetaNet

RUNTIME = osp.join(REPO, 'configs', 'intern', '_base_', 'stage_runtime.py')
STAGE3, MAX_ITERS = 3, 6


class Recorder(Hook):
    """Per iteration: the batch's pixel sum and the names of the tensors
    (parameters and buffers) the iteration changed."""
    priority = 'LOWEST'

    def __init__(self):
        self.sums, self.changed = [], []

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        self.sums.append(int(sum(x.double().sum() for x in
                                 data_batch['inputs'])))
        self._before = {k: v.clone() for k, v in
                        runner.model.state_dict().items()}

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        after = runner.model.state_dict()
        self.changed.append({k for k, v in after.items()
                             if not torch.equal(v, self._before[k])})


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    """Two classes of real CIFAR-10 images; a "re-encoded" copy of the
    same layout whose images are black (so a batch shows which copy it came
    from); a pretrained backbone checkpoint."""
    root = tmp_path_factory.mktemp('mf')
    for cls in ('cat', 'dog'):
        files = sorted(glob.glob(osp.join(
            require_data('cifar10', 'test', cls), '*.jpg')))[:6]
        for copy in ('real', 'reencoded'):
            (root / copy / cls).mkdir(parents=True)
        for f in files:
            shutil.copy(f, root / 'real' / cls)
            Image.fromarray(np.zeros((32, 32, 3), np.uint8)).save(
                root / 'reencoded' / cls / osp.basename(f))
    torch.manual_seed(3)
    state = {f'backbone.{k}': v for k, v in
             MetaNet('b1', out_indices=(5, )).state_dict().items()}
    torch.save(dict(state_dict=state), str(root / 'pretrained.pth'))
    return root


def config(root, work_dir, resume=False, stage3_data=True):
    # No random transform: with num_workers=0 they draw from numpy's global
    # generator, which mmengine re-seeds (not restores) on resume.
    pipeline = [dict(type='LoadImageFromFile'), dict(type='PackInputs')]
    hook = dict(type='MultiStageFinetuneHook',
                checkpoint=str(root / 'pretrained.pth'), stage3=STAGE3,
                stage3_dataloader=dict(dataset=dict(
                    data_root=str(root / 'reencoded'))) if stage3_data
                else None)
    cfg = Config(dict(
        default_scope='mmpretrain', work_dir=str(work_dir),
        model=dict(
            type='ImageClassifier',
            backbone=dict(type='MetaNet', arch='b1', out_indices=(5, )),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='LinearClsHead', num_classes=2, in_channels=192,
                      loss=dict(type='CrossEntropyLoss'))),
        train_dataloader=dict(
            batch_size=4, num_workers=0,
            sampler=dict(type='InfiniteSampler', shuffle=True),
            dataset=dict(type='CustomDataset', data_root=str(root / 'real'),
                         pipeline=pipeline)),
        optim_wrapper=dict(optimizer=dict(type='AdamW', lr=1e-3),
                           paramwise_cfg=dict(custom_keys={
                               'backbone': dict(lr_mult=0.1)})),
        train_cfg=dict(max_iters=MAX_ITERS),
        param_scheduler=[dict(type='CosineAnnealingLR', T_max=MAX_ITERS,
                              by_epoch=False)],
        custom_hooks=[hook], resume=resume, log_level='WARNING'))
    base = Config.fromfile(RUNTIME)
    base.merge_from_dict(cfg.to_dict())
    base.default_hooks.checkpoint.interval = 1
    return base


def run(root, work_dir, name, resume=False, kill_after=None, **kwargs):
    cfg = config(root, work_dir, resume, **kwargs)
    cfg.experiment_name = name
    runner = Runner.from_cfg(cfg)
    recorder = Recorder()
    runner.register_hook(recorder)
    if kill_after is not None:
        runner.register_hook(KillAfter(kill_after))
        with pytest.raises(Killed):
            runner.train()
    else:
        runner.train()
    state = {k: v.clone() for k, v in runner.model.state_dict().items()}
    return state, recorder


@pytest.fixture(scope='module')
def straight(setup, tmp_path_factory):
    return run(setup, tmp_path_factory.mktemp('straight'), 'straight')


@needs_data('cifar10', 'test')
def test_stage3_trains_only_the_new_parameters_on_its_data(setup, straight):
    state, rec = straight
    head = {'head.fc.weight', 'head.fc.bias'}  # what the checkpoint lacks
    for i in range(STAGE3):
        assert rec.changed[i] == head, i  # backbone statistics too stay
        assert rec.sums[i] == 0  # the stage-3 copy
    for i in range(STAGE3, MAX_ITERS):
        assert rec.sums[i] > 0  # the real data
        assert head < rec.changed[i]
        assert any(k.startswith('backbone.') and k.endswith('weight')
                   for k in rec.changed[i])
        assert any(k.endswith('running_mean') for k in rec.changed[i])
    ckpt = torch.load(str(setup / 'pretrained.pth'), weights_only=True)
    key = 'backbone.stem.conv.weight'
    assert not torch.equal(state[key], ckpt['state_dict'][key])


@needs_data('cifar10', 'test')
def test_lp_ft_keeps_the_real_data(setup, tmp_path):
    _, rec = run(setup, tmp_path, 'lpft', stage3_data=False)
    assert all(s > 0 for s in rec.sums)
    assert rec.changed[0] == {'head.fc.weight', 'head.fc.bias'}


@needs_data('cifar10', 'test')
@pytest.mark.parametrize('killed_at', [2, 4])  # in stage 3, in stage 4
def test_killed_mf_resumes_to_the_uninterrupted_run(setup, straight,
                                                    tmp_path, killed_at):
    state, rec = straight
    _, before = run(setup, tmp_path, f'killed{killed_at}',
                    kill_after=killed_at)
    resumed, after = run(setup, tmp_path, f'resumed{killed_at}',
                         resume=True)
    assert before.sums[:killed_at + 1] + after.sums == rec.sums
    for key in state:
        torch.testing.assert_close(resumed[key], state[key], rtol=0, atol=0,
                                   msg=key)


def test_a_foreign_checkpoint_is_refused(setup, tmp_path):
    torch.save(dict(state_dict=dict(other=torch.zeros(1))),
               str(tmp_path / 'foreign.pth'))
    cfg = config(setup, tmp_path)
    cfg.custom_hooks[0].checkpoint = str(tmp_path / 'foreign.pth')
    with pytest.raises(ValueError, match='fills no key of the model'):
        Runner.from_cfg(cfg).train()
