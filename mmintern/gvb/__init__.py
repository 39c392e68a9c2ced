"""The GV-B runner: the backbone under test and the benchmark loop.

:mod:`.backbone_spec` puts a backbone into the GV-B dataset configs;
:mod:`.runner` (used by ``tools/gvb.py``) runs them and writes the table.
Neither imports mmdet, mmseg or matplotlib at module level.
"""
from .backbone_spec import (BackboneSpec, apply_backbone, load_backbone_spec,
                            spec_from_dict)

__all__ = [
    'BackboneSpec', 'apply_backbone', 'load_backbone_spec', 'spec_from_dict'
]
