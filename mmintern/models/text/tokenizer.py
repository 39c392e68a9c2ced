"""CLIP's byte-level BPE tokenizer, for the text encoder of DeCLIP (Up-A).

The BPE code and its vocabulary (``bpe_simple_vocab_16e6.txt.gz``) are the
copy that mmseg ships in ``mmseg/utils/tokenizer.py``. Importing
``mmseg.utils.tokenizer`` the ordinary way would run ``mmseg/__init__.py``
and ``mmseg/utils/__init__.py``, which import most of mmseg (and through it
mmdet-style modules); mmintern must not import mmseg at all. So the module
*file* is located with ``importlib.util.find_spec('mmseg')`` (which reads
no mmseg code) and executed on its own under a private name, lazily, on the
first use of a :class:`ClipTokenizer`. The file only needs ``ftfy``,
``regex`` and ``torch``.
"""
import importlib.util
import os.path as osp
from functools import lru_cache
from typing import List, Sequence, Union

import torch

__all__ = ['ClipTokenizer', 'load_mmseg_bpe_module']

_MODULE_NAME = 'mmintern._mmseg_clip_bpe'


@lru_cache()
def load_mmseg_bpe_module():
    """Load ``mmseg/utils/tokenizer.py`` as a standalone module.

    Returns:
        module: The module; it has ``SimpleTokenizer`` and ``default_bpe``.

    Raises:
        ImportError: When mmseg is not installed.
        FileNotFoundError: When the tokenizer file or the BPE vocabulary is
            not where mmseg 1.x keeps them.
    """
    spec = importlib.util.find_spec('mmseg')
    if spec is None or not spec.submodule_search_locations:
        raise ImportError('ClipTokenizer needs mmseg (its CLIP BPE '
                          'tokenizer and vocabulary): pip install mmsegmentation')
    root = list(spec.submodule_search_locations)[0]
    path = osp.join(root, 'utils', 'tokenizer.py')
    vocab = osp.join(root, 'utils', 'bpe_simple_vocab_16e6.txt.gz')
    for p in (path, vocab):
        if not osp.isfile(p):
            raise FileNotFoundError(f'CLIP tokenizer file not found: {p}')
    mod_spec = importlib.util.spec_from_file_location(_MODULE_NAME, path)
    module = importlib.util.module_from_spec(mod_spec)
    mod_spec.loader.exec_module(module)  # builds one SimpleTokenizer
    return module


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
        module = load_mmseg_bpe_module()
        if bpe_path is None:
            self._bpe = module._tokenizer
        else:
            self._bpe = module.SimpleTokenizer(bpe_path)
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
