"""Stage chaining hooks: behaviour, and resumed == uninterrupted."""
import itertools
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.hooks import Hook
from mmengine.runner import Runner

import mmintern  # noqa: F401
from mmintern.engine.hooks.freeze_schedule_hook import FreezeScheduleHook
from mmintern.engine.hooks.load_stage_checkpoint_hook import \
    LoadStageCheckpointHook
from mmintern.engine.hooks.switch_loss_hook import SwitchLossHook

sys.path.insert(0, osp.dirname(__file__))
from stage_fixtures import StagePoints, StageToyModel  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
MAPPING = {'image_encoder.': 'backbone.'}
N = 6  # iterations of every run


class Snapshots(Hook):
    """The model's weights after every iteration."""

    def __init__(self):
        self.states = []

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        self.states.append({k: v.clone()
                            for k, v in runner.model.state_dict().items()})


_names = itertools.count()


def make_runner(work_dir, max_iters, hooks=(), resume=False, interval=2):
    torch.manual_seed(0)  # the same initial weights for every run
    return Runner(
        model=StageToyModel(),
        work_dir=str(work_dir),
        train_dataloader=dict(
            dataset=StagePoints(), batch_size=4,
            sampler=dict(type='DefaultSampler', shuffle=True),
            collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(
            optimizer=dict(type='AdamW', lr=0.05, weight_decay=0.1)),
        train_cfg=dict(by_epoch=False, max_iters=max_iters),
        default_hooks=dict(checkpoint=dict(
            type='CheckpointHook', by_epoch=False, interval=interval)),
        custom_hooks=list(hooks),
        randomness=dict(seed=0),
        resume=resume,
        log_level='WARNING',
        # runners built in the same second would share a message hub
        experiment_name=f'stage_hooks_{next(_names)}')


@pytest.fixture(scope='module')
def stage_ckpt(tmp_path_factory):
    """A previous stage's checkpoint: image_encoder.*, head.*, extra.*."""
    path = str(tmp_path_factory.mktemp('stage') / 'stage1.pth')
    g = torch.Generator().manual_seed(1)
    state = {
        'image_encoder.weight': torch.randn(4, 2, generator=g),
        'image_encoder.bias': torch.randn(4, generator=g),
        'head.weight': torch.randn(1, 4, generator=g),
        'head.bias': torch.randn(1, generator=g),
        'extra.weight': torch.randn(3, generator=g),
    }
    torch.save(dict(meta=dict(iter=4), state_dict=state), path)
    return path, state


# (a) LoadStageCheckpointHook

def test_load_maps_prefixes_and_loads_exactly_the_mapped_tensors(
        tmp_path, stage_ckpt):
    path, state = stage_ckpt
    hook = LoadStageCheckpointHook(path, mapping=MAPPING)
    runner = make_runner(tmp_path, 1)
    init = {k: v.clone() for k, v in runner.model.state_dict().items()}
    hook.before_train(runner)
    assert hook.loaded_keys == ['backbone.bias', 'backbone.weight']
    model = runner.model.state_dict()
    torch.testing.assert_close(model['backbone.weight'],
                               state['image_encoder.weight'])
    torch.testing.assert_close(model['backbone.bias'],
                               state['image_encoder.bias'])
    for key in ('head.weight', 'head.bias'):  # unmapped: left alone
        torch.testing.assert_close(model[key], init[key])

    # identity mapping: everything with a model key
    hook = LoadStageCheckpointHook(path, mapping={'': '', 'image_encoder.':
                                                  'backbone.'})
    hook.before_train(make_runner(tmp_path, 1))
    assert hook.loaded_keys == ['backbone.bias', 'backbone.weight',
                                'head.bias', 'head.weight']
    with pytest.raises(RuntimeError, match=r"unfilled.*head.weight"):
        LoadStageCheckpointHook(path, mapping=MAPPING, strict=True) \
            .before_train(make_runner(tmp_path, 1))


def test_load_missing_file_is_named(tmp_path):
    hook = LoadStageCheckpointHook(str(tmp_path / 'nope.pth'))
    with pytest.raises(FileNotFoundError, match='nope.pth does not exist'):
        make_runner(tmp_path, 1, [hook]).train()


def test_load_does_nothing_on_resume(tmp_path, stage_ckpt):
    path, _ = stage_ckpt
    work = tmp_path / 'run'
    make_runner(work, 2, [LoadStageCheckpointHook(path, MAPPING)]).train()
    # The stage checkpoint is not even looked for when the run resumes ...
    hook = LoadStageCheckpointHook(str(tmp_path / 'gone.pth'), MAPPING)
    runner = make_runner(work, 4, [hook], resume=True)
    runner.train()
    assert runner.iter == 4 and hook.loaded_keys == []
    # ... but auto-resume in an empty work dir is a fresh run: it loads.
    hook = LoadStageCheckpointHook(path, MAPPING)
    runner = make_runner(tmp_path / 'empty', 1, [hook], resume=True)
    runner.train()
    assert hook.loaded_keys == ['backbone.bias', 'backbone.weight']


# (b) FreezeScheduleHook

def test_freeze_until_the_unfreeze_boundary(tmp_path):
    snaps = Snapshots()
    hook = FreezeScheduleHook([dict(iter=0, freeze=['backbone']),
                               dict(iter=3, unfreeze='backbone')])
    runner = make_runner(tmp_path, 5, [hook, snaps])
    init = {k: v.clone() for k, v in runner.model.state_dict().items()}
    runner.train()
    states = [init] + snaps.states  # states[i]: after i iterations
    for i in (1, 2, 3):  # iterations 0..2 ran frozen
        torch.testing.assert_close(states[i]['backbone.weight'],
                                   init['backbone.weight'])
        assert not torch.equal(states[i]['head.weight'],
                               states[i - 1]['head.weight'])
    for i in (4, 5):
        assert not torch.equal(states[i]['backbone.weight'],
                               states[i - 1]['backbone.weight'])
    assert [t['encoder_training'] for t in runner.model.trace] == \
        [False, False, False, True, True]
    assert all(p.requires_grad for p in runner.model.parameters())


def test_freeze_unknown_module_lists_valid_names(tmp_path):
    hook = FreezeScheduleHook([dict(iter=0, freeze=['encoder'])])
    with pytest.raises(ValueError, match=r"no module 'encoder'.*"
                       r"\['data_preprocessor', 'backbone', 'head'\]"):
        make_runner(tmp_path, 1, [hook]).train()


# (c) SwitchLossHook

def test_switch_loss_follows_the_schedule(tmp_path):
    hook = SwitchLossHook([dict(iter=0, weights=dict(contrastive=1.0)),
                           dict(iter=3, weights=dict(contrastive=0.4,
                                                     simsiam=0.2))])
    runner = make_runner(tmp_path, 5, [hook])
    runner.train()
    first, second = dict(contrastive=1.0), dict(contrastive=0.4, simsiam=0.2)
    assert [t['weights'] for t in runner.model.trace] == \
        [first] * 3 + [second] * 2
    with pytest.raises(AttributeError, match="no 'weights_of_loss'"):
        make_runner(tmp_path, 1, [SwitchLossHook(
            [dict(iter=0, weights={})], attribute='weights_of_loss')]).train()


# (d) resumed == uninterrupted

def make_hooks(kind, ckpt):
    hooks = []
    if kind in ('load', 'all'):
        hooks.append(LoadStageCheckpointHook(ckpt, MAPPING))
    if kind in ('freeze', 'all'):
        hooks.append(FreezeScheduleHook([dict(iter=0, freeze=['backbone']),
                                         dict(iter=3, unfreeze=['backbone'])]))
    if kind in ('switch', 'all'):
        hooks.append(SwitchLossHook([
            dict(iter=0, weights=dict(contrastive=1.0)),
            dict(iter=3, weights=dict(contrastive=0.4, simsiam=0.2))]))
    return hooks


_straight = {}


@pytest.mark.parametrize('kind,k', [('load', 2), ('freeze', 2),
                                    ('freeze', 4), ('switch', 2),
                                    ('switch', 4), ('all', 4)])
def test_resumed_run_equals_uninterrupted(tmp_path, stage_ckpt, kind, k):
    """Killed after iteration k (boundary at 3), resumed to N."""
    path, _ = stage_ckpt
    if kind not in _straight:
        runner = make_runner(tmp_path / 'straight', N, make_hooks(kind, path))
        runner.train()
        _straight[kind] = (runner.model.state_dict(), runner.model.trace)
    straight, straight_trace = _straight[kind]
    work = tmp_path / 'killed'
    make_runner(work, k, make_hooks(kind, path), interval=k).train()
    assert osp.isfile(work / f'iter_{k}.pth')
    resumed = make_runner(work, N, make_hooks(kind, path), resume=True)
    resumed.train()
    assert resumed.iter == N
    for key, value in straight.items():
        torch.testing.assert_close(resumed.model.state_dict()[key], value,
                                   rtol=0, atol=0, msg=key)
    assert resumed.model.trace == straight_trace[k:]


# (e) tools/intern_pipeline.py

STAGE = """
custom_imports = dict(imports=[
    'stage_fixtures', 'mmintern.engine.hooks.load_stage_checkpoint_hook'],
    allow_failed_imports=False)
model = dict(type='StageToyModel', encoder='{encoder}')
train_dataloader = dict(
    dataset=dict(type='StagePoints'), batch_size=4,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'))
optim_wrapper = dict(optimizer=dict(type='SGD', lr={lr}))
train_cfg = dict(by_epoch=False, max_iters=2)
default_hooks = dict(checkpoint=dict(
    type='CheckpointHook', by_epoch=False, interval=2))
custom_hooks = {hooks}
randomness = dict(seed=0)
log_level = 'WARNING'
"""


def test_pipeline_chains_stages_and_skips_finished_ones(tmp_path):
    (tmp_path / 'up_a_g.py').write_text(
        STAGE.format(encoder='image_encoder', lr=0.1, hooks=[]))
    # lr=0: stage 2 ends with exactly the weights it started from
    (tmp_path / 'up_a_l.py').write_text(STAGE.format(
        encoder='backbone', lr=0.0, hooks=[dict(
            type='LoadStageCheckpointHook', checkpoint=None,
            mapping=MAPPING)]))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [osp.join(ROOT, 'tests'), ROOT, os.environ.get('PYTHONPATH', '')]))
    cmd = [sys.executable, osp.join(ROOT, 'tools', 'intern_pipeline.py'),
           str(tmp_path / 'up_a_g.py'), str(tmp_path / 'up_a_l.py'),
           '--work-dir', str(tmp_path / 'work')]
    out = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    first = tmp_path / 'work' / 'up_a_g' / 'iter_2.pth'
    second = tmp_path / 'work' / 'up_a_l' / 'iter_2.pth'
    assert out.stdout.count(' trained ') == 2, out.stdout
    assert f'custom_hooks.0.checkpoint={first}' in out.stdout
    s1 = torch.load(first, weights_only=True)['state_dict']
    s2 = torch.load(second, weights_only=True)['state_dict']
    torch.testing.assert_close(s2['backbone.weight'],
                               s1['image_encoder.weight'])
    torch.testing.assert_close(s2['backbone.bias'], s1['image_encoder.bias'])

    mtimes = [os.stat(first).st_mtime_ns, os.stat(second).st_mtime_ns]
    again = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True,
                           text=True, timeout=120)
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.count('skipped (done)') == 2, again.stdout
    assert 'train.py' not in again.stdout
    assert [os.stat(first).st_mtime_ns, os.stat(second).st_mtime_ns] == mtimes


def test_pipeline_gives_each_hook_its_named_stage(tmp_path):
    """Stage c loads its encoder from stage a (named) and its head from b
    (the stage before): Up-G's trunk-from-Up-A, branches-from-Up-E shape."""
    (tmp_path / 'a.py').write_text(
        STAGE.format(encoder='image_encoder', lr=0.1, hooks=[]))
    (tmp_path / 'b.py').write_text(STAGE.format(
        encoder='backbone', lr=0.1, hooks=[dict(
            type='LoadStageCheckpointHook', checkpoint=None,
            mapping=MAPPING)]))
    # lr=0: stage c keeps exactly what it loaded
    (tmp_path / 'c.py').write_text(STAGE.format(
        encoder='backbone', lr=0.0, hooks=[
            dict(type='LoadStageCheckpointHook', checkpoint=None,
                 stage='a', mapping=MAPPING),
            dict(type='mmintern.LoadStageCheckpointHook', checkpoint=None,
                 mapping={'head.': 'head.'})]))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [osp.join(ROOT, 'tests'), ROOT, os.environ.get('PYTHONPATH', '')]))
    tool = osp.join(ROOT, 'tools', 'intern_pipeline.py')
    work = tmp_path / 'work'
    # A budget for every stage: 3 iterations instead of the configs' 2.
    cmd = [sys.executable, tool] + [str(tmp_path / f'{s}.py')
                                    for s in 'abc'] + [
        '--work-dir', str(work), '--cfg-options', 'train_cfg.max_iters=3',
        'default_hooks.checkpoint.interval=3']
    out = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True,
                         text=True, timeout=180)
    assert out.returncode == 0, out.stdout + out.stderr
    a, b, c = (torch.load(work / s / 'iter_3.pth',
                          weights_only=True)['state_dict'] for s in 'abc')
    assert f'custom_hooks.0.checkpoint={work / "a" / "iter_3.pth"}' \
        in out.stdout
    assert f'custom_hooks.1.checkpoint={work / "b" / "iter_3.pth"}' \
        in out.stdout
    torch.testing.assert_close(c['backbone.weight'], a['image_encoder.weight'])
    torch.testing.assert_close(c['head.weight'], b['head.weight'])
    assert not torch.equal(a['head.weight'], b['head.weight'])

    # A stage named but not before the hook's stage: refused before training.
    bad = subprocess.run(
        [sys.executable, tool, str(tmp_path / 'c.py'), str(tmp_path / 'a.py'),
         '--work-dir', str(tmp_path / 'bad')], env=env, cwd=tmp_path,
        capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0
    assert "loads stage 'a', which is not before it" in bad.stderr
    assert not (tmp_path / 'bad').exists()


def test_unfilled_keys_are_logged_by_module():
    from mmintern.engine.hooks.load_stage_checkpoint_hook import group_keys
    keys = ['backbone.experts.image.stem.0.weight',
            'backbone.experts.image.stem.1.bias', 'backbone.fusions.x',
            'head.weight']
    assert group_keys(keys) == ('backbone.experts.image.* (2), '
                                'backbone.fusions.x, head.weight')
    assert group_keys([]) == 'none'
