"""The MF configs of configs/mf/ for classification, detection and
segmentation: each is its GV-B dataset config with MetaNet-B1 read as
configs/gvb/backbones/metanet-b1.py says (checked against apply_backbone),
the frozen-backbone hook replaced by MultiStageFinetuneHook whose stage-3
data is the re-encoded copy of the same dataset; and the classification
one runs stages 3 and 4 on the real GV-B mini suite."""
import copy
import os
import os.path as osp
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import MODELS, init_default_scope
from mmengine.runner import Runner

import mmintern  # noqa: F401
from _utils import REPO, SHARED_DATA, config_path, needs_data
from mmintern.gvb.backbone_spec import apply_backbone, load_backbone_spec
from mmintern.models.backbones import MetaNet
from mmintern.utils.cli import merge_cfg_options

CONFIGS = {
    'classification': ('metanet-b1_cifar10_mf.py',
                       'classification/cifar10.py'),
    'detection': ('metanet-b1_raccoon_mf.py', 'detection/raccoon.py'),
    'segmentation': ('metanet-b1_camvid_mf.py', 'segmentation/camvid.py'),
}
B1 = config_path('gvb', 'backbones', 'metanet-b1.py')


def real_data_root(cfg):
    return cfg.train_dataloader.dataset.dataset.data_root


@pytest.mark.parametrize('task', list(CONFIGS))
def test_mf_config_is_its_gvb_config_with_the_backbone_trained(task):
    mf_file, gvb_file = CONFIGS[task]
    cfg = Config.fromfile(config_path('mf', mf_file))
    expected = apply_backbone(Config.fromfile(config_path('gvb', gvb_file)),
                              load_backbone_spec(B1), task)
    backbone = dict(cfg.model.backbone)
    backbone.pop('norm_eval', None)  # the dense configs' own choice
    assert backbone == dict(expected.model.backbone)
    for part in ('neck', 'head', 'decode_head', 'auxiliary_head'):
        assert cfg.model.get(part) == expected.model.get(part), part
    (hook, ) = cfg.custom_hooks  # no FrozenBackboneHook
    assert hook.type == 'MultiStageFinetuneHook'
    assert hook.checkpoint == 'checkpoints/metanet-b1_distilled.pth'
    assert hook.get('by_epoch', False) == (task == 'detection')
    stage3 = hook.stage3_dataloader.dataset.dataset.data_root
    assert stage3 == real_data_root(cfg).replace(cfg.gvb_root,
                                                 cfg.reencoded_root)
    assert cfg.optim_wrapper.paramwise_cfg.custom_keys.backbone.lr_mult == \
        0.1
    # Both copies move with --cfg-options.
    moved = merge_cfg_options(copy.deepcopy(cfg), dict(
        gvb_root='/g', reencoded_root='/r'))
    assert real_data_root(moved).startswith('/g/')
    assert moved.custom_hooks[0].stage3_dataloader.dataset.dataset \
        .data_root.startswith('/r/')
    init_default_scope(cfg.default_scope)
    model = MODELS.build(cfg.model)
    assert isinstance(model.backbone, MetaNet)


@needs_data('cifar10', 'test')
def test_classification_mf_runs_stage3_then_stage4(tmp_path):
    from mmintern.gvb.mini_suite import write_mini_suite
    gvb = tmp_path / 'gvb'
    write_mini_suite(SHARED_DATA, str(gvb), ['cifar10'])
    # The "re-encoded" copy: the same files (the tool is tested in
    # tests/test_vqgan.py; here the data paths are).
    os.symlink(gvb, tmp_path / 'reencoded')
    torch.manual_seed(0)
    pretrained = tmp_path / 'b1.pth'
    torch.save(dict(state_dict={f'backbone.{k}': v for k, v in MetaNet(
        'b1', out_indices=(5, )).state_dict().items()}), str(pretrained))
    cfg = Config.fromfile(config_path('mf', CONFIGS['classification'][0]))
    cfg = merge_cfg_options(cfg, {
        'gvb_root': str(gvb), 'reencoded_root': str(tmp_path / 'reencoded'),
        'custom_hooks.0.checkpoint': str(pretrained),
        'custom_hooks.0.stage3': 1, 'train_cfg.max_iters': 2,
        'train_cfg.val_interval': 100, 'train_dataloader.batch_size': 4,
        'train_dataloader.num_workers': 0,
        'work_dir': str(tmp_path / 'work'), 'log_level': 'WARNING'})
    runner = Runner.from_cfg(cfg)
    runner.train()
    hook = next(h for h in runner.hooks
                if type(h).__name__ == 'MultiStageFinetuneHook')
    assert hook.new_params == ['head.fc.weight', 'head.fc.bias']
    assert not hook.in_stage3
    assert osp.isfile(tmp_path / 'work' / 'iter_2.pth')
    # Tested through GV-B's evaluator, under the key mf_evidence.py reads.
    raw = runner.test()
    assert 0 <= raw[cfg.gvb.metric_keys['accuracy']] <= 100


def test_methods_are_settings_of_the_hook():
    sys.path.insert(0, osp.join(REPO, 'tools', 'analysis_tools'))
    from mf_evidence import METHODS, TASKS, method_options
    for task, (_, config) in TASKS.items():
        cfg = Config.fromfile(osp.join(REPO, config))
        length = cfg.train_cfg.get('max_epochs',
                                   cfg.train_cfg.get('max_iters'))
        options = {m: method_options(cfg, m) for m in METHODS}
        assert options['MF'] == {}  # the config is MF
        assert options['LP-FT'] == {
            'custom_hooks.0.stage3_dataloader': None}
        assert options['fine-tuning']['custom_hooks.0.stage3'] == 0
        for method in ('linear probe', 'MF w/o stage 4'):
            assert options[method]['custom_hooks.0.stage3'] == length
        assert 'custom_hooks.0.stage3_dataloader' not in \
            options['MF w/o stage 4']
