"""mmintern's types are visible from every host library's scope."""
import subprocess
import sys

import pytest
from mmengine.registry import MODELS as ROOT, DefaultScope

import mmintern
from mmintern.registry import MODELS


def test_import_pulls_in_neither_mmdet_nor_mmseg():
    code = ('import sys, mmintern; '
            'print(sorted(m for m in ("mmdet", "mmseg") if m in sys.modules))')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == '[]'


@pytest.mark.parametrize('scope', ['mmpretrain', 'mmdet', 'mmseg', 'mmintern'])
def test_metanet_builds_under_every_default_scope(scope):
    with DefaultScope.overwrite_default_scope(scope):
        from mmengine.registry import MODELS as registry
        for type_name in ('MetaNet', 'mmintern.MetaNet'):
            model = registry.build(dict(type=type_name, arch='b1'))
            assert type(model).__name__ == 'MetaNet'


def test_child_registry_scope():
    assert MODELS.scope == 'mmintern' and MODELS.parent is ROOT
    for name in ('MetaNet', 'LocalDSM', 'LocalGlobalDSM', 'GlobalDSM'):
        assert name in ROOT.module_dict
        assert MODELS.get(name) is ROOT.get(name)
    assert mmintern.__version__
