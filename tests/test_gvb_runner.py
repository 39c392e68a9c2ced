"""The GV-B runner: backbone specs in dataset configs, and tools/gvb.py."""
import glob
import inspect
import json
import os
import os.path as osp
import re
import subprocess
import sys

import pytest
from mmengine.config import Config

import mmintern  # noqa: F401
from mmintern.gvb.evaluation import gvb_datasets
from mmintern.gvb import apply_backbone, load_backbone_spec, spec_from_dict
from mmintern.gvb.results import ResultStore
from mmintern.gvb.evaluation import to_gvb_metrics

from _utils import REPO, SHARED_DATA, config_path, gvb_config, needs_data

METANET_B4 = config_path('gvb', 'backbones', 'metanet-b4.py')
RESNET50 = config_path('gvb', 'backbones', 'resnet50.py')
CLASSIFICATION_BASE = config_path('gvb', '_base_', 'classification_linear.py')
CIFAR10_TEST = osp.join(SHARED_DATA, 'cifar10', 'test')


# Dataset config shapes, as the GV-B configs have them (by hand: the real
# ones may not all exist yet; see test_real_configs below).


def classification_cfg():
    return Config(dict(model=dict(
        type='ImageClassifier',
        backbone=dict(type='MetaNet', arch='b4', out_indices=-1,
                      drop_path_rate=0.1),
        neck=None,
        head=dict(type='LinearClsHead', num_classes=10, in_channels=1280))))


def detection_cfg():
    return Config(dict(model=dict(
        type='FasterRCNN',
        backbone=dict(type='ResNet', depth=50, frozen_stages=1,
                      out_indices=(0, 1, 2, 3)),
        neck=dict(type='FPN', in_channels=[256, 512, 1024, 2048],
                  out_channels=256, num_outs=5),
        rpn_head=dict(type='RPNHead', in_channels=256))))


def segmentation_cfg():
    return Config(dict(model=dict(
        type='EncoderDecoder',
        backbone=dict(type='ResNetV1c', depth=50),
        decode_head=dict(type='UPerHead', in_index=[0, 1, 2, 3],
                         in_channels=[256, 512, 1024, 2048], channels=512),
        auxiliary_head=dict(type='FCNHead', in_index=2, in_channels=1024,
                            channels=256))))


def depth_cfg():
    return Config(dict(model=dict(
        type='DepthEstimator',
        backbone=dict(type='MetaNet', arch='b4', out_indices=(1, 2, 4, 5)),
        decode_head=dict(type='DepthHead', in_channels=[64, 128, 192, 384],
                         max_depth=10))))


@pytest.fixture(scope='module')
def metanet_b4():
    return load_backbone_spec(METANET_B4)


@pytest.fixture(scope='module')
def resnet50():
    return load_backbone_spec(RESNET50)


def test_shipped_specs_have_the_backbones_widths(metanet_b4, resnet50):
    import torch
    from mmengine.registry import MODELS
    from mmintern.models import MetaNet
    assert metanet_b4.dense_channels == (64, 128, 192, 384)
    widths = MetaNet(arch='b4', out_indices=-1).out_channels
    assert [widths[i] for i in metanet_b4.dense_out_indices] == \
        list(metanet_b4.dense_channels)
    assert widths[metanet_b4.pooled_out_indices] == 1280
    # ResNet-50 dense maps, and its pooled feature, measured.
    resnet = MODELS.build(resnet50.backbone_cfg(resnet50.dense_out_indices))
    resnet.eval()  # mmpretrain's ResNet.train() does not return self
    with torch.no_grad():
        maps = resnet(torch.randn(1, 3, 64, 64))
    assert [m.shape[1] for m in maps] == [256, 512, 1024, 2048]
    assert [64 // m.shape[-1] for m in maps] == [4, 8, 16, 32]
    assert resnet50.pooled_needs_gap and resnet50.pooled_channels == 2048


def test_classification_resnet_gets_a_pooling_neck(resnet50):
    cfg = apply_backbone(classification_cfg(), resnet50, 'classification')
    # Replaced entirely: nothing of MetaNet's settings is left.
    assert cfg.model.backbone.to_dict() == dict(
        type='mmpretrain.ResNet', depth=50, out_indices=(3, ),
        init_cfg=dict(type='Pretrained', checkpoint=resnet50.checkpoint,
                      prefix='backbone.'))
    assert cfg.model.neck.type == 'GlobalAveragePooling'
    assert cfg.model.head.in_channels == 2048
    assert cfg.model.head.num_classes == 10  # untouched


def test_classification_metanet_on_the_real_protocol_base(metanet_b4):
    cfg = Config.fromfile(CLASSIFICATION_BASE)
    cfg.model.neck = dict(type='GlobalAveragePooling')  # a stale neck
    apply_backbone(cfg, metanet_b4, 'classification')
    assert cfg.model.backbone.type == 'MetaNet'
    assert cfg.model.backbone.arch == 'b4'
    assert cfg.model.backbone.out_indices == -1
    assert 'drop_path_rate' not in cfg.model.backbone
    assert cfg.model.neck is None  # MetaNet's feature is already pooled
    assert cfg.model.head.in_channels == 1280


def test_detection_neck_reads_the_four_maps(metanet_b4, resnet50):
    cfg = apply_backbone(detection_cfg(), metanet_b4, 'detection')
    assert cfg.model.backbone.out_indices == (1, 2, 4, 5)
    assert 'frozen_stages' not in cfg.model.backbone
    assert cfg.model.neck.in_channels == [64, 128, 192, 384]
    assert cfg.model.rpn_head.in_channels == 256  # reads the neck
    cfg = apply_backbone(detection_cfg(), resnet50, 'detection')
    assert cfg.model.backbone.out_indices == (0, 1, 2, 3)
    assert cfg.model.neck.in_channels == [256, 512, 1024, 2048]


def test_segmentation_heads_pick_by_in_index(metanet_b4):
    cfg = apply_backbone(segmentation_cfg(), metanet_b4, 'segmentation')
    assert cfg.model.backbone.out_indices == (1, 2, 4, 5)
    assert cfg.model.decode_head.in_channels == [64, 128, 192, 384]
    assert cfg.model.auxiliary_head.in_channels == 192  # stride 16
    # DeepLabV3-like: one map each; no in_index reads the last (mmseg).
    cfg = segmentation_cfg()
    cfg.model.decode_head = dict(type='ASPPHead', in_index=3, channels=512)
    cfg.model.auxiliary_head = [dict(type='FCNHead', in_index=1),
                                dict(type='FCNHead')]
    apply_backbone(cfg, metanet_b4, 'segmentation')
    assert cfg.model.decode_head.in_channels == 384
    assert [h.in_channels for h in cfg.model.auxiliary_head] == [128, 384]
    # Without an auxiliary head there is nothing more to set.
    cfg = segmentation_cfg()
    cfg.model.auxiliary_head = None
    apply_backbone(cfg, metanet_b4, 'segmentation')
    assert cfg.model.auxiliary_head is None


def test_depth_head_reads_the_four_maps(resnet50):
    cfg = apply_backbone(depth_cfg(), resnet50, 'depth')
    assert cfg.model.backbone.type == 'mmpretrain.ResNet'
    assert cfg.model.backbone.out_indices == (0, 1, 2, 3)
    assert cfg.model.decode_head.in_channels == [256, 512, 1024, 2048]


def test_errors_name_the_key_and_the_valid_ones(metanet_b4):
    with pytest.raises(KeyError, match=r"unknown GV-B task 'tracking'; "
                       r"valid: \['classification', 'detection'"):
        apply_backbone(classification_cfg(), metanet_b4, 'tracking')
    with pytest.raises(KeyError, match=r"has no 'backbone'; valid keys: "
                       r"\['backbone', 'pooled_out_indices'"):
        spec_from_dict(dict(pooled_out_indices=-1, pooled_channels=1280))
    with pytest.raises(KeyError, match=r"unknown keys \['dense_channel'\]; "
                       r'valid keys: .*dense_channels'):
        spec_from_dict(dict(backbone=dict(type='MetaNet'),
                            dense_out_indices=(1, 2, 4, 5),
                            dense_channel=[64, 128, 192, 384]))
    with pytest.raises(KeyError, match=r"sets \['dense_out_indices'\] but "
                       r"not \['dense_channels'\]"):
        spec_from_dict(dict(backbone=dict(type='MetaNet'),
                            dense_out_indices=(1, 2, 4, 5)))
    with pytest.raises(ValueError, match='reads 4 dense maps'):
        spec_from_dict(dict(backbone=dict(type='MetaNet'),
                            dense_out_indices=(4, 5),
                            dense_channels=[192, 384]))
    pooled_only = spec_from_dict(dict(backbone=dict(type='VisionTransformer'),
                                      pooled_out_indices=-1,
                                      pooled_channels=768))
    with pytest.raises(KeyError, match=r"detection needs \['dense_out_"
                       r"indices', 'dense_channels'\] in the backbone spec; "
                       r"it gives \['pooled_out_indices'"):
        apply_backbone(detection_cfg(), pooled_only, 'detection')
    cfg = detection_cfg()
    cfg.model.neck = None
    with pytest.raises(KeyError, match=r'no model.neck .*its model has '
                       r"\['backbone', 'rpn_head'\]"):
        apply_backbone(cfg, metanet_b4, 'detection')
    # A bad in_index leaves the config as it was.
    cfg = segmentation_cfg()
    cfg.model.auxiliary_head.in_index = 4
    with pytest.raises(IndexError, match=r'model.auxiliary_head.in_index 4 '
                       'is out of range'):
        apply_backbone(cfg, metanet_b4, 'segmentation')
    assert cfg.model.backbone.type == 'ResNetV1c'
    with pytest.raises(FileNotFoundError, match='no_such_spec.py'):
        load_backbone_spec('no_such_spec.py')


def test_real_configs_take_the_backbone(metanet_b4):
    """One config per task of configs/gvb, where they exist already."""
    found = {}
    for task in ('classification', 'detection', 'segmentation', 'depth'):
        configs = sorted(glob.glob(config_path('gvb', task, '*.py')))
        if configs:
            found[task] = configs[0]
    if not found:
        pytest.skip('no GV-B dataset config yet')
    for task, path in found.items():
        cfg = apply_backbone(Config.fromfile(path), metanet_b4, task)
        assert cfg.model.backbone.arch == 'b4', path
        assert 'metric_keys' in cfg.gvb, path
        if task == 'classification':
            assert cfg.model.head.in_channels == 1280, path
        elif task == 'detection':
            assert cfg.model.neck.in_channels == [64, 128, 192, 384], path
        else:
            head = cfg.model.decode_head
            assert head.in_channels in ([64, 128, 192, 384], 384, 192), path


def test_metric_keys_and_the_result_store(tmp_path):
    dataset = gvb_datasets()['voc0712']
    cfg = Config(dict(gvb=dict(metric_keys=dict(mAP='pascal_voc/mAP'),
                               metric_scale=dict(mAP=100))))
    assert to_gvb_metrics({'pascal_voc/mAP': 0.75}, cfg.gvb, dataset) == \
        dict(mAP=75.)
    with pytest.raises(KeyError, match=r"reported \['coco/bbox_mAP'\], not "
                       "'pascal_voc/mAP'"):
        to_gvb_metrics({'coco/bbox_mAP': 0.5}, cfg.gvb, dataset)
    path = str(tmp_path / 'results.json')
    store = ResultStore(path, dict(backbone='a'))
    store.put(10, 'voc0712', 1, dict(status='done', metrics=dict(mAP=75.)))
    store.put(10, 'voc0712', 2, dict(status='failed', error='x'))
    assert os.listdir(tmp_path) == ['results.json']  # no temp file left
    again = ResultStore(path, dict(backbone='a'))
    assert again.get(10., 'voc0712', 1)['metrics'] == dict(mAP=75.)
    assert again.get(10., 'voc0712', 0) is None
    assert list(again.done(10.)['voc0712']) == [1]  # the failed seed is not
    with pytest.raises(ValueError, match='another run setup'):
        ResultStore(path, dict(backbone='b'))


# The runner end to end, on CIFAR-10 images at 32x32 with MetaNet-B1.

SPEC = """\
backbone = dict(type='MetaNet', arch='b1')
checkpoint = None
pooled_out_indices = -1
pooled_channels = 1280
"""

# 5% of the 2000 images (10 per class) to train, another 5% to test.
DATASET_CONFIG = """\
_base_ = ['{base}']
gvb_root = 'data/gvb'
pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=32, edge='short'),
    dict(type='CenterCrop', crop_size=32),
    dict(type='PackInputs'),
]
images = dict(type='CustomDataset', data_root=gvb_root + '/{name}/{sub}',
              pipeline=pipeline)
model = dict(head=dict(num_classes=10))
train_dataloader = dict(batch_size=50, dataset=dict(dataset=images))
test_dataloader = dict(batch_size=50, dataset=dict(
    type='PercentageDataset', task='classification', percentage=5, seed=1,
    dataset=images))
gvb = dict(dataset='{name}', metric_keys=dict({metric}='accuracy/top1'),
           fast_probe=dict(weight_decays=[1e-2], max_iter=50))
test_evaluator = dict(_delete_=True, type='mmintern.GVBEvaluator',
                      metrics=_base_.val_evaluator, gvb=gvb)
"""


def write_tree(root):
    """Configs: cifar10 (real images), cifar100 (no data folder), dtd (an
    empty data folder, so its run raises)."""
    for name, metric, sub in (('cifar10', 'accuracy', 'test'),
                              ('cifar100', 'accuracy', 'test'),
                              ('dtd', 'accuracy', 'images')):
        path = root / 'configs' / 'classification' / f'{name}.py'
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(DATASET_CONFIG.format(
            base=CLASSIFICATION_BASE, name=name, sub=sub, metric=metric))
    data = root / 'data'
    (data / 'dtd' / 'images').mkdir(parents=True)
    os.symlink(osp.dirname(CIFAR10_TEST), data / 'cifar10')
    (root / 'spec.py').write_text(SPEC)


def gvb(root, work):
    result = subprocess.run(
        [sys.executable, 'tools/gvb.py', str(root / 'spec.py'),
         '--config-root', str(root / 'configs'),
         '--data-root', str(root / 'data'), '--work-dir', str(work),
         '--tasks', 'classification', '--datasets', 'cifar10', 'cifar100',
         'dtd', '--percentage', '5', '--probe', 'fast', '--cfg-options',
         'train_dataloader.num_workers=0', 'test_dataloader.num_workers=0'],
        cwd=REPO, capture_output=True, text=True, timeout=300,
        # One thread: the tiny solves of the probe crawl when threads fight
        # over shared cores.
        env={**os.environ, 'OMP_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1'})
    return result.returncode, result.stdout + result.stderr


def progress_line(log, name):
    lines = [line for line in log.splitlines()
             if re.match(rf'\[GV-B \d/3\] 5% {name} ', line)]
    assert len(lines) == 1, log[-3000:]
    return lines[0]


@needs_data('cifar10', 'test')
def test_runner_end_to_end_and_resume(tmp_path):
    write_tree(tmp_path)
    work = tmp_path / 'work'
    rc, log = gvb(tmp_path, work)
    # dtd failed: recorded, the run finished, and the exit code says so.
    assert rc == 1, log[-3000:]
    line = progress_line(log, 'cifar10')
    assert re.search(r' done +accuracy=[\d.]+ ', line), line
    assert 'missing' in progress_line(log, 'cifar100')
    assert 'FAILED' in progress_line(log, 'dtd')

    summary = json.loads((work / 'gvb_results.json').read_text())
    section = summary['percentages']['5']
    rows = {r['dataset']: r for r in section['table']['rows']}
    assert list(rows) == ['cifar10']
    accuracy = rows['cifar10']['metrics']['accuracy']
    assert 0 <= accuracy <= 100
    assert rows['cifar10']['reference'] == dict(accuracy=92.4)  # Up-A R50
    assert [m['dataset'] for m in section['missing']] == ['cifar100']
    assert list(section['failed']) == ['dtd'] and section['failed']['dtd']
    table = (work / 'gvb_table.md').read_text()
    assert '| classification | CIFAR-10 | accuracy |' in table
    assert 'Missing datasets (no data folder): cifar100' in table
    assert '- dtd: ' in table
    assert (work / 'gvb_tasks.png').stat().st_size > 0
    # The cache folder is named by the run's fingerprint.
    assert len(glob.glob(str(work / '5' / '0' / 'cifar10' / 'features' / '*'
                             / 'train.pth'))) == 1
    results = json.loads((work / 'results.json').read_text())['results']
    entry = results['5']['cifar10']['0']
    assert entry['num_train'] == 100
    assert entry['fingerprint']['checkpoint'] == 'random-init'
    assert entry['fingerprint']['seed'] == 0 and \
        entry['fingerprint']['quick'] is False
    assert results['5']['dtd']['0']['status'] == 'failed'

    # Again: cifar10 is done, so it is skipped; dtd is tried again.
    rc, log = gvb(tmp_path, work)
    assert rc == 1, log[-3000:]
    line = progress_line(log, 'cifar10')
    assert re.search(rf' done before +accuracy={accuracy:.2f} +0\.0s$',
                     line), line
    assert 'FAILED' in progress_line(log, 'dtd')

    # Without its entry, cifar10 runs again (from the cached features).
    stored = json.loads((work / 'results.json').read_text())
    del stored['results']['5']['cifar10']['0']
    (work / 'results.json').write_text(json.dumps(stored))
    rc, log = gvb(tmp_path, work)
    line = progress_line(log, 'cifar10')
    assert re.search(r' done +accuracy=[\d.]+ ', line), line
    assert 'loaded 100 features' in log
    rerun = json.loads((work / 'gvb_results.json').read_text())
    assert rerun['percentages']['5']['table']['rows'][0]['metrics'] == \
        dict(accuracy=pytest.approx(accuracy))


def test_dataset_config_reports_against_the_runs_reference(tmp_path):
    """The config's GVBEvaluator logs its row against --reference."""
    from mmintern.gvb.backbone_spec import load_backbone_spec
    from mmintern.gvb.runner import Job, RunSettings, load_config
    spec = load_backbone_spec(
        osp.join(REPO, 'configs', 'gvb', 'backbones', 'metanet-b4.py'))
    job = Job('classification', 'cifar10',
              config_path('gvb', 'classification', 'cifar10.py'))
    settings = RunSettings(spec=spec, reference='Up-G MN-B4')
    cfg = load_config(job, settings, 10., str(tmp_path))
    assert cfg.test_evaluator.type == 'mmintern.GVBEvaluator'
    assert cfg.test_evaluator.reference == 'Up-G MN-B4'


@pytest.mark.parametrize('task,name', [
    ('classification', 'cifar10'), ('detection', 'voc0712'),
    ('segmentation', 'voc2012'), ('depth', 'nyuv2')])
def test_efficientnet_lite_spec_runs_every_task(tmp_path, task, name):
    """A timm model with real weights as the backbone of each protocol:
    the real dataset config, the spec's normalisation and per-task
    arguments, the checkpoint filling the backbone, the widths read."""
    import torch
    from mmengine.registry import DefaultScope, MODELS
    from mmintern.gvb.runner import Job, RunSettings, load_config
    spec = load_backbone_spec(config_path('gvb', 'backbones',
                                          'efficientnet-lite0.py'))
    job = Job(task, name, config_path('gvb', task, f'{name}.py'))
    cfg = load_config(job, RunSettings(spec=spec), 10., str(tmp_path))
    preprocessor = cfg.model.get('data_preprocessor') or cfg.data_preprocessor
    assert preprocessor.mean == [127.5] * 3 and preprocessor.std == [127.5] * 3
    scope = cfg.get('default_scope', 'mmpretrain')
    with DefaultScope.overwrite_default_scope(scope):
        backbone = MODELS.build(cfg.model.backbone)
    backbone.init_weights()
    from mmintern.utils.pretrained import load_pretrained
    state = load_pretrained(spec.checkpoint)['state_dict']
    for key, value in backbone.state_dict().items():
        assert torch.equal(value, state['backbone.' + key]), key
    backbone.eval()
    with torch.no_grad():
        outs = backbone(torch.randn(1, 3, 64, 64))
    if task == 'classification':
        assert [o.shape[1] for o in outs] == [cfg.model.head.in_channels]
        assert cfg.model.neck.type == 'GlobalAveragePooling'
    else:
        assert [o.shape[1] for o in outs] == [24, 40, 112, 320]
        assert [64 // o.shape[-1] for o in outs] == [4, 8, 16, 32]


def b1_checkpoint(path, seed):
    """A MetaNet-B1 classifier checkpoint (``backbone.`` keys), with the
    1280-d head the test SPEC reads."""
    import torch
    from mmintern.models import MetaNet
    torch.manual_seed(seed)
    state = {'backbone.' + k: v for k, v in
             MetaNet(arch='b1', out_indices=-1).state_dict().items()}
    torch.save(dict(state_dict=state), path)


@needs_data('cifar10', 'test')
def test_results_are_keyed_by_the_weights_and_the_settings(tmp_path):
    """An overwritten checkpoint or a --quick run never reuses a result or
    a feature cache of other inputs."""
    write_tree(tmp_path)
    work = tmp_path / 'work'
    ckpt = tmp_path / 'b1.pth'

    def run(*extra):
        result = subprocess.run(
            [sys.executable, 'tools/gvb.py', str(tmp_path / 'spec.py'),
             '--config-root', str(tmp_path / 'configs'),
             '--data-root', str(tmp_path / 'data'), '--work-dir', str(work),
             '--datasets', 'cifar10', '--percentage', '5',
             '--checkpoint', str(ckpt), '--cfg-options',
             'train_dataloader.num_workers=0',
             'test_dataloader.num_workers=0', *extra],
            cwd=REPO, capture_output=True, text=True, timeout=300,
            env={**os.environ, 'OMP_NUM_THREADS': '1'})
        assert result.returncode == 0, result.stderr[-3000:]
        results = json.loads((work / 'results.json').read_text())['results']
        return result.stdout, results['5']['cifar10']['0']

    b1_checkpoint(ckpt, seed=1)
    _, first = run()
    assert first['fingerprint']['checkpoint'].startswith('sha256:')
    b1_checkpoint(ckpt, seed=2)  # other weights, same path
    log, second = run()
    assert 'made by other inputs (checkpoint)' in log
    assert 'loaded' not in log  # the old features are not served
    assert second['fingerprint']['checkpoint'] != \
        first['fingerprint']['checkpoint']
    assert second['metrics'] != first['metrics']
    log, quick = run('--quick')
    assert 'config_sha256' in log and 'quick' in log and 'rerun' in log
    assert quick['fingerprint']['quick'] is True
    log, _ = run('--quick')
    assert 'done before' in log
    # The table shows only results of these settings: the full run's
    # result is not in the --quick run's table.
    table = json.loads((work / 'gvb_results.json').read_text())
    assert table['percentages']['5']['table']['rows'][0]['metrics'] == \
        quick['metrics']


def test_a_checkpoint_must_fill_the_backbone(tmp_path):
    import torch
    from mmintern.gvb.provenance import check_backbone
    b1 = tmp_path / 'b1.pth'
    b1_checkpoint(b1, seed=0)
    spec = load_backbone_spec(METANET_B4)
    import dataclasses
    b4_with_b1 = dataclasses.replace(spec, checkpoint=str(b1))
    with pytest.raises(KeyError, match=r'keys are missing.*architecture'):
        check_backbone(b4_with_b1, ['classification'])
    # The right architecture passes, for the pooled and the dense form.
    b1_spec = dataclasses.replace(
        load_backbone_spec(config_path('gvb', 'backbones', 'metanet-b1.py')),
        checkpoint=str(b1))
    check_backbone(b1_spec, ['classification', 'detection'])
    # A trunk without the 1280-d head leaves a spec that reads it random.
    trunk = {k: v for k, v in torch.load(b1, weights_only=True)[
        'state_dict'].items() if not k.startswith('backbone.head.')}
    torch.save(dict(state_dict=trunk), tmp_path / 'trunk.pth')
    with pytest.raises(KeyError, match=r"6 of its \d+ keys are missing.*"
                       r"head\.bn"):
        check_backbone(dataclasses.replace(
            b1_spec, checkpoint=str(tmp_path / 'trunk.pth'),
            pooled_out_indices=-1, pooled_channels=1280), ['classification'])
    with pytest.raises(KeyError,
                       match=r"no key with the prefix 'image_encoder\.'"):
        check_backbone(dataclasses.replace(
            b1_spec, checkpoint_prefix='image_encoder.'), ['classification'])
    # Every key there, one of another shape.
    state = torch.load(b1, weights_only=True)['state_dict']
    key = next(k for k in state if k.endswith('conv.weight'))
    torch.save(dict(state_dict={**state, key: state[key][:1]}),
               tmp_path / 'narrow.pth')
    with pytest.raises(ValueError, match=rf'1 shapes differ.*{key[9:]}'):
        check_backbone(dataclasses.replace(
            b1_spec, checkpoint=str(tmp_path / 'narrow.pth')), ['depth'])
    # Half the backbone missing.
    half = dict(list(state.items())[:len(state) // 2])
    torch.save(dict(state_dict=half), tmp_path / 'half.pth')
    with pytest.raises(KeyError, match='keys are missing'):
        check_backbone(dataclasses.replace(
            b1_spec, checkpoint=str(tmp_path / 'half.pth')), ['depth'])
    # The released layout names the converter.
    released = {'backbone.blocks.0.conv.weight': torch.zeros(1)}
    torch.save(dict(state_dict=released), tmp_path / 'released.pth')
    with pytest.raises(KeyError, match='metanet_to_mmintern'):
        check_backbone(dataclasses.replace(
            b1_spec, checkpoint=str(tmp_path / 'released.pth')),
            ['classification'])


@pytest.mark.parametrize('spec', [
    'metanet-b1.py', 'metanet-b4.py', 'resnet50.py', 'efficientnet-lite0.py',
    'efficientnet-lite2.py'])
def test_shipped_specs_state_their_backbones_widths(spec):
    """A meta-device forward of every shipped spec gives the widths it
    states (and a wrong one is refused before anything trains)."""
    import dataclasses
    from mmintern.gvb.provenance import check_backbone
    loaded = load_backbone_spec(config_path('gvb', 'backbones', spec))
    loaded = dataclasses.replace(loaded, checkpoint=None)
    check_backbone(loaded, ['classification', 'detection'])
    wrong = dataclasses.replace(
        loaded, dense_channels=tuple(c + 1 for c in loaded.dense_channels))
    with pytest.raises(ValueError, match='but dense_out_indices'):
        check_backbone(wrong, ['depth'])
    wrong = dataclasses.replace(loaded,
                                pooled_channels=loaded.pooled_channels + 1)
    with pytest.raises(ValueError, match='pooled output has'):
        check_backbone(wrong, ['classification'])


def test_one_run_per_work_dir(tmp_path):
    from mmintern.gvb.provenance import WorkDirLock
    with WorkDirLock(str(tmp_path)):
        with pytest.raises(RuntimeError, match=rf'in use.*pid {os.getpid()}'):
            with WorkDirLock(str(tmp_path)):
                pass
    with WorkDirLock(str(tmp_path)):  # released on exit
        pass


def test_seeds_reach_the_split_and_the_training(tmp_path):
    from mmintern.gvb.runner import Job, RunSettings, load_config
    job = Job('detection', 'voc0712', config_path('gvb', 'detection',
                                                  'voc0712.py'))
    cfg = load_config(job, RunSettings(spec=load_backbone_spec(METANET_B4)),
                      10., str(tmp_path), seed=3)
    assert cfg.randomness.seed == 3
    assert cfg.train_dataloader.dataset.seed == 3


@pytest.mark.parametrize('bad', ['0', '-5', '150', 'ten'])
def test_percentage_refused_at_parse_time(bad):
    result = subprocess.run(
        [sys.executable, 'tools/gvb.py', METANET_B4, '--percentage', bad],
        cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 2
    assert '--percentage' in result.stderr


DENSE = [('detection', 'voc0712'), ('detection', 'citypersons'),
         ('detection', 'wider_face'), ('segmentation', 'voc2012'),
         ('depth', 'nyuv2'), ('depth', 'kitti')]


@pytest.mark.parametrize('task,name', DENSE)
@pytest.mark.parametrize('processes', [1, 8])
def test_dense_protocols_run_their_stated_budget(tmp_path, task, name,
                                                 processes):
    """Images seen, from the config as the runner resolves it, equal the
    schedule the config states: epochs x split, or steps x total batch;
    and every optimizer step takes the stated total batch."""
    from mmintern.gvb.budget import images_seen
    from mmintern.gvb.runner import Job, RunSettings, load_config
    job = Job(task, name, config_path('gvb', task, f'{name}.py'))
    stated = Config.fromfile(job.config)
    settings = RunSettings(spec=load_backbone_spec(METANET_B4),
                           processes=processes)
    cfg = load_config(job, settings, 10., str(tmp_path))
    budget = cfg.gvb_budget
    total = stated.total_batch
    accumulation = cfg.optim_wrapper.get('accumulative_counts', 1)
    assert cfg.train_dataloader.batch_size * processes * accumulation == \
        total == budget['total_batch']
    assert budget['accumulation'] == accumulation
    assert cfg.launcher == ('pytorch' if processes > 1 else 'none')
    split = 1000  # any split size: an epoch is one pass over it
    if 'max_epochs' in stated.train_cfg:
        assert images_seen(cfg, processes, split) == stated.epochs * split
        assert cfg.train_cfg.max_epochs == stated.epochs
    else:
        assert images_seen(cfg, processes, split) == \
            stated.train_cfg.max_iters * total
    # Iteration-based parts of the schedule count stated optimizer steps.
    for before, after in zip(stated.param_scheduler, cfg.param_scheduler):
        if not before.get('by_epoch', True):
            assert after['end'] == before['end'] * accumulation
    # Evaluated once, by the test pass.
    assert cfg.val_dataloader is None and cfg.val_cfg is None


def test_budget_refuses_a_batch_it_cannot_keep(tmp_path):
    from mmintern.gvb.budget import apply_budget
    cfg = Config(dict(total_batch=16, train_dataloader=dict(batch_size=3),
                      optim_wrapper=dict(), train_cfg=dict(max_iters=10)))
    with pytest.raises(ValueError, match='not a multiple of 1 processes x '
                       'batch_size 3'):
        apply_budget(cfg, 1)


@needs_data('raccoon_voc')
def test_mini_suite_writes_the_dense_layouts(tmp_path):
    """The extracts in the layouts the own-dataset configs read, and the
    configs' datasets see them (train / test sizes)."""
    from mmengine.registry import DATASETS, DefaultScope
    from mmintern.gvb.mini_suite import write_mini_suite
    from mmintern.utils.data_root import shared_data_root
    root = str(tmp_path / 'gvb')
    write_mini_suite(shared_data_root(), root,
                     ['raccoon', 'camvid', 'seven_scenes'])
    sizes = {}
    for task, name, scope in (('detection', 'raccoon', 'mmdet'),
                              ('segmentation', 'camvid', 'mmseg'),
                              ('depth', 'seven_scenes', 'mmseg')):
        cfg = gvb_config(config_path('gvb', task, f'{name}.py'), root)
        with DefaultScope.overwrite_default_scope(scope):
            import importlib
            importlib.import_module(f'{scope}.datasets')
            train = DATASETS.build(cfg.train_dataloader.dataset.dataset)
            test = DATASETS.build(cfg.test_dataloader.dataset)
        sizes[name] = (len(train), len(test))
        sample = test[0]["data_samples"]
        if name == 'camvid':  # index masks with the void class 11
            assert set(sample.gt_sem_seg.data.unique().tolist()) <= \
                set(range(12))
        if name == 'seven_scenes':  # metres
            assert 0 < float(sample.gt_depth_map.data.max()) < 10
    assert sizes == dict(raccoon=(160, 40), camvid=(81, 20),
                         seven_scenes=(80, 20))


def test_own_datasets_have_rows_without_a_reference(tmp_path):
    from mmintern.gvb.evaluation import GVBTable, dataset_info
    from mmintern.gvb.runner import find_jobs
    jobs, _, own = find_jobs(config_path('gvb'), ['detection', 'depth'],
                             ['voc0712', 'raccoon', 'seven_scenes'])
    assert [j.name for j in jobs] == ['voc0712', 'raccoon', 'seven_scenes']
    assert own['raccoon'].own and own['raccoon'].metrics == ('mAP', )
    assert own['seven_scenes'].higher_is_better is False
    table = GVBTable('Up-A R50')
    table.add('voc0712', dict(mAP=80.))
    table.add('raccoon', dict(mAP=50.), info=own['raccoon'])
    result = table.evaluate()
    rows = {r['dataset']: r for r in result['rows']}
    assert rows['raccoon']['reference'] is None
    assert rows['raccoon']['error_reduction'] is None
    # The task mean counts GV-B datasets only.
    assert result['tasks']['detection']['num_datasets'] == 1
    assert '| Raccoon (own) | mAP | 50.00 | - | - (own dataset) |' in \
        table.to_markdown(result)
    with pytest.raises(KeyError, match="lacks \\['higher_is_better'\\]"):
        dataset_info(dict(dataset='mine', task='detection',
                          metric_keys=dict(mAP='x')))
    with pytest.raises(KeyError, match=r'neither a GV-B dataset .* nor a '):
        find_jobs(config_path('gvb'), ['detection'], ['no_such_set'])


def test_scale_warning_only_for_a_fraction(capsys):
    from mmengine.logging import MMLogger
    from mmintern.gvb.runner import check_scale
    MMLogger.get_instance('gvb_scale_test')
    dataset = gvb_datasets()['voc0712']
    check_scale('voc0712', dataset, dict(mAP=0.), dict(mAP=80.))
    assert 'looks like a fraction' not in capsys.readouterr().out
    check_scale('voc0712', dataset, dict(mAP=0.7), dict(mAP=80.))
    assert 'looks like a fraction' in capsys.readouterr().out


@needs_data('camvid_seg')
def test_dense_dataset_on_two_processes(tmp_path):
    """--processes 2: the dataset trains under torchrun (gloo on CPU, the
    frozen backbone's parameters unused by DDP) and tests from its last
    checkpoint."""
    from mmintern.gvb.mini_suite import write_mini_suite
    from mmintern.utils.data_root import shared_data_root
    root = str(tmp_path / 'gvb')
    write_mini_suite(shared_data_root(), root, ['camvid'])
    work = tmp_path / 'work'
    result = subprocess.run(
        [sys.executable, 'tools/gvb.py', METANET_B4.replace('b4', 'b1'),
         '--datasets', 'camvid', '--percentage', '10', '--data-root', root,
         '--work-dir', str(work), '--processes', '2', '--quick'],
        cwd=REPO, capture_output=True, text=True, timeout=600,
        env={**os.environ, 'OMP_NUM_THREADS': '1'})
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'gloo process group on CPU: rank 1 of 2' in result.stdout
    assert (work / '10' / '0' / 'camvid' / 'test_metrics.json').is_file()
    rows = json.loads((work / 'gvb_results.json').read_text())[
        'percentages']['10']['table']['rows']
    assert rows[0]['dataset'] == 'camvid' and 0 <= rows[0]['metrics'][
        'mIoU'] <= 100


def test_a_config_that_does_not_load_is_a_failed_dataset(tmp_path):
    """One broken dataset config is recorded as failed; the run goes on."""
    from mmintern.gvb.runner import RunSettings, run_benchmark
    (tmp_path / 'configs' / 'classification').mkdir(parents=True)
    (tmp_path / 'configs' / 'classification' / 'cifar10.py').write_text(
        'x = undefined_name\n')
    (tmp_path / 'data' / 'cifar10').mkdir(parents=True)
    import dataclasses
    spec = dataclasses.replace(load_backbone_spec(METANET_B4), checkpoint=None)
    summary = run_benchmark(RunSettings(
        spec=spec, tasks=('classification', ),
        datasets=['cifar10'], data_root=str(tmp_path / 'data'),
        work_dir=str(tmp_path / 'work'),
        config_root=str(tmp_path / 'configs')))
    failed = summary['percentages']['10']['failed']
    assert list(failed) == ['cifar10']
    assert 'undefined_name' in failed['cifar10']
    assert (tmp_path / 'work' / '10' / '0' / 'cifar10' / 'error.log').is_file()


def test_train_workers_end_before_the_test_pass():
    """An iteration-based loop keeps its loader's worker processes after
    training; the runner ends them at once (left to the garbage collector
    they cost about 10 s per dense dataset). This fails if mmengine's loop
    stops keeping its iterator where the runner looks."""
    from types import SimpleNamespace

    import torch
    from mmengine.runner import IterBasedTrainLoop
    from mmengine.runner.loops import _InfiniteDataloaderIterator
    from torch.utils.data import DataLoader

    from mmintern.gvb.runner import _stop_train_workers
    # Where the runner looks: mmengine's loop keeps the iterator there.
    assert 'self.dataloader_iterator = _InfiniteDataloaderIterator(' in \
        inspect.getsource(IterBasedTrainLoop.__init__)
    loader = DataLoader(torch.arange(8.), batch_size=2, num_workers=2)
    iterator = _InfiniteDataloaderIterator(loader)
    next(iterator)
    workers = iterator._iterator._workers
    assert all(w.is_alive() for w in workers)
    _stop_train_workers(SimpleNamespace(
        train_loop=SimpleNamespace(dataloader_iterator=iterator)))
    assert not any(w.is_alive() for w in workers)
    assert iterator._iterator._shutdown
