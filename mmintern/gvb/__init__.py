"""GV-B, the general vision benchmark, in one package.

- :mod:`.datasets`: the readers of the official downloads mm* lack, and
  :class:`~.datasets.VOCStyleDataset` for your own data;
- :mod:`.evaluation`: the reference rows, the ``GVBEvaluator`` and the
  table;
- :mod:`.backbone_spec` puts a backbone into the GV-B dataset configs;
  :mod:`.budget` and :mod:`.provenance` make a run what it says it is;
  :mod:`.runner` (used by ``tools/gvb.py``) runs the configs and writes the
  table.

Importing it registers the datasets and the evaluator; nothing here imports
mmdet, mmseg or matplotlib at module level.
"""
from . import datasets, evaluation  # noqa: F401  (registers them)
from .backbone_spec import (BackboneSpec, apply_backbone, load_backbone_spec,
                            spec_from_dict)

__all__ = [
    'BackboneSpec', 'apply_backbone', 'load_backbone_spec', 'spec_from_dict'
]
