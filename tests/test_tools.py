"""The OpenMMLab tools, run as a user runs them (subprocesses)."""
import json
import os
import os.path as osp
import subprocess
import sys
import textwrap

import torch

from _utils import REPO, SHARED_DATA, config_path, needs_data

DEMO = config_path('demo', 'faster-rcnn_metanet-b1_fpn_shapes.py')


def run(*args, env=None, timeout=900):
    result = subprocess.run(
        list(args), cwd=REPO, capture_output=True, text=True,
        timeout=timeout, env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout + result.stderr


def shapes_options(root, max_iters, interval):
    """--cfg-options that point the demo config at a small dataset."""
    return [
        '--cfg-options',
        f'train_dataloader.dataset.data_root={root}/',
        f'val_dataloader.dataset.data_root={root}/',
        f'test_dataloader.dataset.data_root={root}/',
        f'val_evaluator.ann_file={root}/annotations/val.json',
        f'test_evaluator.ann_file={root}/annotations/val.json',
        'train_dataloader.batch_size=2', 'val_dataloader.batch_size=4',
        'test_dataloader.batch_size=4',
        f'train_cfg.max_iters={max_iters}',
        f'train_cfg.val_interval={max_iters}',
        f'default_hooks.checkpoint.interval={interval}',
        'default_hooks.logger.interval=1',
    ]


def test_train_then_test_a_detector(shapes_root, tmp_path):
    work = str(tmp_path / 'det')
    run(sys.executable, 'tools/train.py', DEMO, '--work-dir', work,
        *shapes_options(shapes_root, 4, 2))
    assert osp.isfile(osp.join(work, 'iter_4.pth'))
    out = str(tmp_path / 'metrics.json')
    run(sys.executable, 'tools/test.py', DEMO, osp.join(work, 'iter_4.pth'),
        '--work-dir', work, '--out', out,
        *shapes_options(shapes_root, 4, 2))
    metrics = json.load(open(out))
    assert 0 <= metrics['coco/bbox_mAP'] <= 1


def test_test_tool_names_a_missing_checkpoint(tmp_path):
    result = subprocess.run(
        [sys.executable, 'tools/test.py', DEMO, str(tmp_path / 'no.pth')],
        cwd=REPO, capture_output=True, text=True)
    assert result.returncode != 0
    assert 'no.pth does not exist' in result.stderr


def test_dist_train_two_cpu_processes_and_resume(shapes_root, tmp_path):
    work = str(tmp_path / 'dist')
    env = dict(PYTHON=sys.executable, OMP_NUM_THREADS='1')
    log = run('bash', 'tools/dist_train.sh', DEMO, '2', '--work-dir', work,
              *shapes_options(shapes_root, 4, 2), env=dict(env, PORT='29533'))
    assert 'rank 0 of 2' in log and 'rank 1 of 2' in log
    assert osp.isfile(osp.join(work, 'iter_4.pth'))
    log = run('bash', 'tools/dist_train.sh', DEMO, '2', '--work-dir', work,
              '--resume', *shapes_options(shapes_root, 6, 2),
              env=dict(env, PORT='29534'))
    assert 'resumed epoch: 0, iter: 4' in log
    assert 'Iter(train) [5/6]' in log and 'Iter(train) [1/6]' not in log
    meta = torch.load(osp.join(work, 'iter_6.pth'), weights_only=True)['meta']
    assert meta['iter'] == 6


CLASSIFIER = textwrap.dedent("""
    _base_ = '{base}'
    data = dict(type='CustomDataset', data_root='{root}', indices=48,
                pipeline=[dict(type='LoadImageFromFile'),
                          dict(type='Resize', scale=(64, 64)),
                          dict(type='PackInputs')])
    model = dict(train_cfg=dict(_delete_=True),
                 head=dict(num_classes=10))
    train_dataloader = dict(_delete_=True, batch_size=8, num_workers=0,
                            sampler=dict(type='DefaultSampler', shuffle=True),
                            dataset=data)
    val_dataloader = None
    val_evaluator = None
    val_cfg = None
    test_dataloader = None
    test_evaluator = None
    test_cfg = None
    train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=6)
    param_scheduler = [
        dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0,
             end=4),
        dict(type='CosineAnnealingLR', T_max=6, by_epoch=False, begin=4,
             end=6),
    ]
    default_hooks = dict(checkpoint=dict(type='CheckpointHook', by_epoch=False,
                                         interval=3),
                         logger=dict(type='LoggerHook', interval=1))
    log_processor = dict(by_epoch=False)
    randomness = dict(seed=0)
""")


@needs_data('cifar10', 'test')
def test_resumed_classifier_equals_uninterrupted(tmp_path):
    cfg = tmp_path / 'metanet-b1_cifar10.py'
    cfg.write_text(CLASSIFIER.format(
        base=config_path('metanet', 'metanet-b1_8xb128_in1k.py'),
        root=osp.join(SHARED_DATA, 'cifar10', 'test')))
    straight, split = str(tmp_path / 'straight'), str(tmp_path / 'split')
    run(sys.executable, 'tools/train.py', str(cfg), '--work-dir', straight)
    run(sys.executable, 'tools/train.py', str(cfg), '--work-dir', split,
        '--cfg-options', 'train_cfg.max_iters=3')
    log = run(sys.executable, 'tools/train.py', str(cfg), '--work-dir',
              split, '--resume')
    assert 'resumed epoch: 0, iter: 3' in log
    a = torch.load(osp.join(straight, 'iter_6.pth'), weights_only=True)
    b = torch.load(osp.join(split, 'iter_6.pth'), weights_only=True)
    assert a['state_dict'].keys() == b['state_dict'].keys()
    for key in a['state_dict']:
        torch.testing.assert_close(a['state_dict'][key], b['state_dict'][key],
                                   rtol=0, atol=0, msg=key)


def test_get_flops_reports_b4():
    out = run(sys.executable, 'tools/analysis_tools/get_flops.py',
              config_path('metanet', 'metanet-b4_8xb128_in1k.py'))
    assert 'params: 31.71 M' in out and 'GMACs:  3.2' in out


def test_collect_env_reports_versions_and_ops():
    out = run(sys.executable, '-m', 'mmintern.utils.collect_env')
    for line in ('MMEngine: 0.10.7', 'MMCV: 2.1.0', 'MMCV ops: ok',
                 'MMDetection: 3.3.0', 'MMSegmentation: 1.2.2'):
        assert line in out
    # This machine has nvcc and no GPU: the set-up built CPU ops, and says why.
    import torch
    if not torch.cuda.is_available():
        assert ('MMCV ops build: CPU-only (tools/setup_env.sh chose cpu: '
                'no CUDA device visible to torch') in out


def test_cfg_options_data_root_moves_the_paths_built_from_it():
    """``--cfg-options gvb_root=...`` moves every dataset path of a GV-B
    config (they were built from the parsed root), nothing else."""
    from mmengine.config import Config
    from mmintern.utils.cli import merge_cfg_options
    cfg = Config.fromfile(config_path('gvb', 'depth', 'kitti.py'))
    assert cfg.gvb_root == 'data/gvb'
    before = cfg.to_dict()
    merge_cfg_options(cfg, dict(gvb_root='/mnt/gvb'))
    text = repr(cfg.to_dict())
    assert "'data/gvb" not in text
    assert cfg.data_root == '/mnt/gvb/kitti/'
    assert cfg.test_dataloader.dataset.data_root == '/mnt/gvb/kitti/'
    assert cfg.train_dataloader.dataset.dataset.data_root == \
        '/mnt/gvb/kitti/'
    # The other fields as they were.
    assert cfg.to_dict()['model'] == before['model']
    # A prefix that is not a path component does not match.
    cfg = Config(dict(gvb_root='data/gvb', a='data/gvbx/y', b='data/gvb'))
    merge_cfg_options(cfg, dict(gvb_root='/x'))
    assert (cfg.a, cfg.b) == ('data/gvbx/y', '/x')
    # A new root inside the old one; an explicit path is taken as given.
    cfg = Config(dict(gvb_root='data/gvb', a='data/gvb/kitti/', b='c'))
    merge_cfg_options(cfg, dict(gvb_root='data/gvb/v2', b='data/gvb/x'))
    assert (cfg.gvb_root, cfg.a, cfg.b) == ('data/gvb/v2',
                                            'data/gvb/v2/kitti/',
                                            'data/gvb/x')
