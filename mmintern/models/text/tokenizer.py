"""CLIP's byte-level BPE tokenizer, for the text encoder of DeCLIP (Up-A).

The BPE code and its vocabulary (``bpe_simple_vocab_16e6.txt.gz``) are
mmseg's (``mmseg.utils.tokenizer``), imported when a tokenizer is made, not
when mmintern is imported.
"""
from typing import List, Sequence, Union

import torch

__all__ = ['ClipTokenizer']


class ClipTokenizer:
    """CLIP's BPE tokenizer with fixed-length batching and a mask id.

    Ids: the BPE vocabulary has ``vocab_size`` (49408) ids, the last two
    being ``<start_of_text>`` (:attr:`sot_id`) and ``<end_of_text>``
    (:attr:`eot_id`); padding is 0 (:attr:`pad_id`, as CLIP: it is also the
    id of ``!``, which is harmless because the encoder is causal and pools
    at the end token). :attr:`mask_id` is ``vocab_size``, outside the BPE
    vocabulary, for masked language modelling, so a text encoder needs
    :attr:`num_embeddings` (``vocab_size + 1``) rows.

    Args:
        bpe_path (str, optional): A BPE merges file; None uses mmseg's.
    """

    pad_id = 0

    def __init__(self, bpe_path: str = None):
        # mmseg's module builds one SimpleTokenizer of its own vocabulary.
        import mmseg.utils.tokenizer as mmseg_bpe
        if bpe_path is None:
            self._bpe = mmseg_bpe._tokenizer
        else:
            self._bpe = mmseg_bpe.SimpleTokenizer(bpe_path)
        self.vocab_size = int(self._bpe.vocab_size)
        self.sot_id = int(self._bpe.encoder['<start_of_text>'])
        self.eot_id = int(self._bpe.encoder['<end_of_text>'])
        self.mask_id = self.vocab_size
        self.num_embeddings = self.vocab_size + 1

    @property
    def special_ids(self) -> List[int]:
        """Ids that masked LM never selects: start, end and mask."""
        return [self.sot_id, self.eot_id, self.mask_id]

    def encode(self, text: str) -> List[int]:
        """BPE ids of one text (lower-cased, whitespace-normalised), no
        start/end token."""
        return self._bpe.encode(text)

    def decode(self, ids: Union[Sequence[int], torch.Tensor]) -> str:
        """Text of ids; start, end, padding and mask ids are dropped (so a
        padded row decodes to its text). Words come back space-separated."""
        if isinstance(ids, torch.Tensor):
            ids = ids.tolist()
        ids = [i for i in ids if i not in (self.sot_id, self.eot_id,
                                           self.pad_id, self.mask_id)]
        return self._bpe.decode(ids).strip()

    def tokenize(self, texts: Union[str, Sequence[str]],
                 context_length: int = 77,
                 truncate: bool = True) -> torch.LongTensor:
        """``[N, context_length]`` ids: start, BPE ids, end, zero padding.

        Args:
            texts (str | Sequence[str]): One text or several.
            context_length (int): Row length. Defaults to 77 (CLIP).
            truncate (bool): Cut a too long text, keeping the end token
                last; False raises instead. Defaults to True.
        """
        if isinstance(texts, str):
            texts = [texts]
        if context_length < 2:
            raise ValueError(f'context_length must be >= 2, got '
                             f'{context_length}')
        out = torch.full((len(texts), context_length), self.pad_id,
                         dtype=torch.long)
        for i, text in enumerate(texts):
            ids = [self.sot_id] + self.encode(text) + [self.eot_id]
            if len(ids) > context_length:
                if not truncate:
                    raise ValueError(f'text {text!r} has {len(ids)} tokens, '
                                     f'more than {context_length}')
                ids = ids[:context_length - 1] + [self.eot_id]
            out[i, :len(ids)] = torch.tensor(ids, dtype=torch.long)
        return out

    __call__ = tokenize
