"""mmintern's types are visible from every host library's scope."""
import importlib
import itertools
import inspect
import pkgutil
import subprocess
import sys

import pytest
import torch.nn as nn
from mmcv.transforms import BaseTransform
from mmengine.evaluator import BaseMetric, Evaluator
from mmengine.hooks import Hook
from mmengine.registry import MODELS as ROOT, DefaultScope
from mmengine.runner import BaseLoop
from torch.utils.data import ConcatDataset, Dataset, Sampler

from mmintern import registry

import mmintern
from mmintern.registry import MODELS


def test_import_mmintern_stays_light():
    """``import mmintern`` loads nothing beyond its platform: mmpretrain's
    models (which import mmdet's themselves) and mmengine / mmcv. mmseg and
    the optional dependencies load where they are used."""
    code = ('import sys; import mmpretrain.models, mmpretrain.datasets; '
            'before = {m.split(".")[0] for m in sys.modules}; '
            'import mmintern; '
            'print(sorted({m.split(".")[0] for m in sys.modules} - before))')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "['mmintern']"


def public_types():
    """Every class that a module of mmintern lists in its ``__all__``."""
    found = {}
    for info in pkgutil.walk_packages(mmintern.__path__, 'mmintern.'):
        if info.name.startswith('mmintern.testing'):
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, '__all__', ()):
            obj = getattr(module, name)
            if inspect.isclass(obj) and obj.__module__.startswith('mmintern'):
                found[name] = obj
    return found


# What a registrable type derives from -> the registry it must be in.
KINDS = [
    (BaseTransform, registry.TRANSFORMS),
    (Hook, registry.HOOKS),
    (BaseLoop, registry.LOOPS),
    (BaseMetric, registry.METRICS),
    (Sampler, registry.DATA_SAMPLERS),
    (Dataset, registry.DATASETS),
    (nn.Module, registry.MODELS),
    (Evaluator, registry.EVALUATOR),
]


# Base classes that subclasses complete; configs never name them.
BASES = {'ArrayImageDataset', 'ClassFolderSplitDataset'}


def registry_of(cls):
    """The child registry a public class belongs in: by its base class, or
    for a wrapper without one (PercentageDataset), the one that holds it."""
    for base, child in KINDS:
        if issubclass(cls, base):
            return child
    holders = [child for _, child in KINDS
               if child.module_dict.get(cls.__name__) is cls]
    return holders[0] if holders else None


def test_every_public_type_is_found_by_its_scoped_name():
    types = public_types()
    assert len(types) > 40
    checked = set()
    for name, cls in types.items():
        child = registry_of(cls)
        if name in BASES or child is None:
            continue
        # 'mmintern.X' from any scope, and 'X' from the root, where mmdet's
        # and mmseg's registries look after their own.
        with DefaultScope.overwrite_default_scope('mmdet'):
            assert child.parent.get(f'mmintern.{name}') is cls, name
        assert child.get(name) is cls, name
        assert child.parent.get(name) is cls, name
        checked.add(name)
    for name in ('AddDatasetName', 'EDATextAugment', 'DepthEvalCrop',
                 'PackGVBDetInputs', 'RatioMultiDatasetSampler',
                 'FrozenBackboneHook', 'WiderFaceAP', 'MetaNet', 'MBConv',
                 'PercentageDataset', 'ClassFolderSubset', 'GVBEvaluator',
                 'LinearProbeLoop', 'FeatureDistiller', 'VOCStyleDataset',
                 'Caltech101Folders', 'StanfordCarsFiles'):
        assert name in checked, name


def test_transforms_and_sampler_build_by_scoped_name():
    from mmengine.registry import DATA_SAMPLERS, TRANSFORMS
    t = TRANSFORMS.build(dict(type='mmintern.AddDatasetName', name='a'))
    assert t(dict())['dataset'] == 'a'
    sampler = DATA_SAMPLERS.build(
        dict(type='mmintern.RatioMultiDatasetSampler', batch_size=2,
             ratios=[1, 1], seed=0),
        default_args=dict(dataset=ConcatDataset([range(4), range(6)])))
    assert type(sampler).__name__ == 'RatioMultiDatasetSampler'
    indices = list(itertools.islice(iter(sampler), 8))
    assert len(indices) == 8 and set(indices) <= set(range(10))


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
