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


def test_demo_evaluates_what_it_trained_beside_the_mini_table(
        tmp_path, monkeypatch):
    """``tools/demo.py --work-dir X``: test.py reads X's last checkpoint;
    the GV-B mini table, started first, writes under X, and the two share
    the cores (half each). The tools it starts are recorded instead of
    run."""
    spec = importlib.util.spec_from_file_location(
        'demo', osp.join(REPO, 'tools', 'demo.py'))
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    shapes = tmp_path / 'shapes'
    (shapes / 'annotations').mkdir(parents=True)
    (shapes / 'annotations' / 'val.json').write_text('{}')
    work = tmp_path / 'elsewhere'
    work.mkdir()
    checkpoint = str(work / 'iter_300.pth')
    (work / 'last_checkpoint').write_text(checkpoint)
    (work / 'test_metrics.json').write_text(json.dumps({'coco/bbox_mAP': .5}))
    calls = []

    class Started:
        def __init__(self, command, env, stdout, **kwargs):
            calls.append((command[1], command, env))
            stdout.write('the table\n')

        def wait(self):
            return 0

    monkeypatch.setattr(demo.subprocess, 'Popen', Started)
    monkeypatch.setattr(demo, 'run', lambda *args, env: calls.append(
        (args[0], args, env)))
    monkeypatch.setattr(demo, 'ROOT', str(tmp_path / 'repo'))
    monkeypatch.setattr(demo, 'DATA_ROOT', str(shapes))
    monkeypatch.setattr('mmintern.utils.cli.usable_cores', lambda: 4)
    monkeypatch.setattr('sys.argv', ['demo.py', '--work-dir', str(work)])
    demo.main()
    assert [c[0] for c in calls] == [demo.MINI_TABLE, 'tools/train.py',
                                     'tools/test.py']
    assert calls[2][1][2] == checkpoint
    table = calls[0][1]
    assert table[table.index('--work-dir') + 1] == str(work / 'gvb_mini')
    assert table[table.index('--threads') + 1] == '2'
    assert all(env['OMP_NUM_THREADS'] == '2' for _, _, env in calls)
    assert (work / 'gvb_mini.log').read_text() == 'the table\n'
