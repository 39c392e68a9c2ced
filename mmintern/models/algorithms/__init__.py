"""Training algorithms of INTERN: DeCLIP and plain CLIP (Up-A-G), the
dense self-supervision of Up-A-L, the multi-task model of the Up-E
detection / segmentation experts and of Up-G, and the feature distiller
that makes the small MetaNets from a large teacher; the VQ-GAN of MF's
first stage."""
from .declip import DeCLIP
from .feature_distiller import FeatureDistiller
from .multi_task_expert import MultiTaskExpert
from .up_a_local import UpALocal
from .vqgan import VQGAN

__all__ = [
    'DeCLIP', 'UpALocal', 'MultiTaskExpert', 'FeatureDistiller', 'VQGAN'
]
