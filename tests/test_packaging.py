"""Package metadata, the data root and the demo's hand-over to GV-B."""
import importlib.util
import json
import os.path as osp

from packaging.requirements import Requirement

from _utils import REPO
from mmintern.utils import data_root


def requirements(name):
    with open(osp.join(REPO, 'requirements', name)) as f:
        lines = (line.split('#')[0].strip() for line in f)
        return [Requirement(line) for line in lines if line]


def test_metadata_has_ranges_and_the_pins_satisfy_them():
    ranges = {r.name: r for r in requirements('mminstall.txt')}
    assert not any(s.operator == '==' for r in ranges.values()
                   for s in r.specifier), 'pins belong in runtime.txt'
    pins = requirements('runtime.txt') + requirements('build.txt')
    checked = 0
    for pin in pins:
        (spec, ) = [s for s in pin.specifier if s.operator == '=='] or [None]
        if spec is not None and pin.name in ranges:
            assert ranges[pin.name].specifier.contains(spec.version), pin
            checked += 1
    assert checked >= 7  # torch, torchvision and the five OpenMMLab pins


def test_data_root_is_the_variable_or_next_to_the_repository(monkeypatch):
    monkeypatch.setenv('INTERN_DATA_ROOT', '/somewhere/data')
    assert data_root.shared_data_root() == '/somewhere/data'
    monkeypatch.delenv('INTERN_DATA_ROOT')
    assert data_root.shared_data_root() == osp.join(
        osp.dirname(REPO), 'shared', 'data')


def test_demo_hands_gvb_the_checkpoint_it_trained(tmp_path, monkeypatch):
    """``tools/demo.py --work-dir X``: GV-B reads X's last checkpoint, not
    the spec's work_dirs/demo/iter_300.pth. The tools it starts are
    recorded instead of run."""
    spec = importlib.util.spec_from_file_location(
        'demo', osp.join(REPO, 'tools', 'demo.py'))
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    root = tmp_path / 'repo'
    for name in demo.GVB_DATASETS:  # the samples are there already
        (root / 'data' / 'demo' / 'gvb' / name).mkdir(parents=True)
    shapes = tmp_path / 'shapes'
    (shapes / 'annotations').mkdir(parents=True)
    (shapes / 'annotations' / 'val.json').write_text('{}')
    work = tmp_path / 'elsewhere'
    work.mkdir()
    checkpoint = str(work / 'iter_300.pth')
    (work / 'last_checkpoint').write_text(checkpoint)
    (work / 'test_metrics.json').write_text(json.dumps({'coco/bbox_mAP': .5}))
    calls = []

    def run(*args):
        calls.append(args)
        if args[0] == 'tools/gvb.py':
            gvb_dir = args[args.index('--work-dir') + 1]
            with open(osp.join(gvb_dir, 'gvb_table.md'), 'w') as f:
                f.write('| table |')

    (work / 'gvb').mkdir()
    monkeypatch.setattr(demo, 'run', run)
    monkeypatch.setattr(demo, 'ROOT', str(root))
    monkeypatch.setattr(demo, 'DATA_ROOT', str(shapes))
    monkeypatch.setattr('sys.argv', ['demo.py', '--work-dir', str(work)])
    demo.main()
    assert [c[0] for c in calls] == ['tools/train.py', 'tools/test.py',
                                     'tools/gvb.py']
    gvb_call = calls[-1]
    assert gvb_call[gvb_call.index('--checkpoint') + 1] == checkpoint
