from .attention_pool_dsm import GlobalDSM, LocalGlobalDSM
from .conv_codec import ConvDecoder, ConvEncoder
from .cross_branch_fusion import CrossBranchFusion
from .cross_covariance_attention import CrossCovarianceAttention
from .local_dsm import LocalDSM
from .mbconv import FusedMBConv, MBConv
from .mixer_block import MixerBlock
from .multihead_self_attention import MultiheadSelfAttention
from .patch_discriminator import PatchDiscriminator
from .transformer_block import TransformerBlock

__all__ = [
    'GlobalDSM', 'LocalGlobalDSM', 'LocalDSM', 'CrossBranchFusion',
    'CrossCovarianceAttention', 'MultiheadSelfAttention', 'FusedMBConv',
    'MBConv', 'MixerBlock', 'TransformerBlock', 'ConvEncoder', 'ConvDecoder',
    'PatchDiscriminator'
]
