"""CLIP's causal text transformer, the text encoder of DeCLIP (Up-A)."""
from typing import Optional, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from mmintern.registry import register_model

__all__ = ['TextTransformer']


@register_model
class TextTransformer(BaseModule):
    """Token embedding, learned positions, pre-LN causal transformer blocks,
    final LayerNorm (CLIP's text tower), plus an MLM head.

    Blocks are ``nn.TransformerEncoderLayer(norm_first=True)`` run with a
    causal mask, so token ``i`` only sees tokens ``<= i``; padding needs no
    mask because it follows the end token, where the sentence is pooled.

    Args:
        vocab_size (int): Rows of the token embedding: the BPE vocabulary
            plus the mask id (:attr:`ClipTokenizer.num_embeddings`, 49409).
        context_length (int): Maximum sequence length. Defaults to 77.
        width (int): Model width. Defaults to 512.
        layers (int): Number of blocks. Defaults to 12.
        heads (int): Attention heads. Defaults to 8.
        mlp_ratio (float): Hidden width of the MLP over ``width``.
            Defaults to 4.
        eot_id (int, optional): Id of the end token: the pooled position is
            its first occurrence. None pools at the argmax of the ids, as
            CLIP (wrong once a mask id above the end id is present).
            Defaults to 49407.
        with_mlm_head (bool): Build :attr:`mlm_head`, a Linear from the
            width to ``vocab_size``. Defaults to True.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 vocab_size: int = 49409,
                 context_length: int = 77,
                 width: int = 512,
                 layers: int = 12,
                 heads: int = 8,
                 mlp_ratio: float = 4.,
                 eot_id: Optional[int] = 49407,
                 with_mlm_head: bool = True,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if width % heads:
            raise ValueError(f'width {width} is not divisible by heads '
                             f'{heads}')
        self.vocab_size = vocab_size
        self.context_length = context_length
        self.width = width
        self.eot_id = eot_id
        self.token_embedding = nn.Embedding(vocab_size, width)
        self.positional_embedding = nn.Parameter(
            torch.empty(context_length, width))
        layer = nn.TransformerEncoderLayer(
            width, heads, int(width * mlp_ratio), dropout=0.,
            activation='gelu', batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(
            layer, layers, enable_nested_tensor=False)
        self.ln_final = nn.LayerNorm(width)
        self.mlm_head = nn.Linear(width, vocab_size) if with_mlm_head \
            else None
        self.register_buffer(
            'causal_mask',
            nn.Transformer.generate_square_subsequent_mask(context_length),
            persistent=False)
        self._init_weights()

    def _init_weights(self):
        # CLIP's initialisation of the embeddings.
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.normal_(self.positional_embedding, std=0.01)

    def pool_index(self, tokens: torch.Tensor) -> torch.Tensor:
        """Per row, the position whose feature is the sentence's: the first
        end token (or the argmax id when ``eot_id`` is None or absent)."""
        index = tokens.argmax(dim=-1)
        if self.eot_id is not None:
            is_eot = tokens == self.eot_id
            has = is_eot.any(dim=-1)
            index = torch.where(has, is_eot.int().argmax(dim=-1), index)
        return index

    def forward(self, tokens: torch.Tensor
                ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Encode ``[B, L]`` ids (``L <= context_length``).

        Returns:
            Tuple[Tensor, Tensor]: token features ``[B, L, width]`` after the
            final LayerNorm, and the pooled features ``[B, width]``.
        """
        if tokens.dim() != 2:
            raise ValueError(f'tokens must be [B, L], got '
                             f'{tuple(tokens.shape)}')
        length = tokens.shape[1]
        if length > self.context_length:
            raise ValueError(f'{length} tokens exceed the context length '
                             f'{self.context_length}')
        x = self.token_embedding(tokens) + self.positional_embedding[:length]
        mask = self.causal_mask[:length, :length].to(x.dtype)
        x = self.blocks(x, mask=mask, is_causal=True)
        x = self.ln_final(x)
        index = self.pool_index(tokens)
        pooled = x[torch.arange(x.shape[0], device=x.device), index]
        return x, pooled

    def mlm_logits(self, token_feats: torch.Tensor) -> torch.Tensor:
        """Vocabulary scores ``[..., vocab_size]`` of token features."""
        if self.mlm_head is None:
            raise RuntimeError('built with with_mlm_head=False')
        return self.mlm_head(token_feats)
