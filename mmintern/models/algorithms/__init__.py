"""Training algorithms of INTERN: DeCLIP and plain CLIP (Up-A-G), the
dense self-supervision of Up-A-L."""
from .declip import DeCLIP
from .up_a_local import UpALocal

__all__ = ['DeCLIP', 'UpALocal']
