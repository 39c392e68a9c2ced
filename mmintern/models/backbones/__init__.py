from .generalist import UpGGeneralist
from .metanet import MetaNet
from .metanet_arch import MetaNetCfg, StageCfg
from .metanet_archs import METANET_ARCHS
from .trunk_view import TrunkView

__all__ = [
    'MetaNet', 'UpGGeneralist', 'MetaNetCfg', 'StageCfg', 'METANET_ARCHS',
    'TrunkView'
]
