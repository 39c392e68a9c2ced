"""Text and image views for DeCLIP's multi-view supervision (Up-A).

:class:`EDATextAugment` gives the second caption view (EDA: Wei & Zou,
https://arxiv.org/abs/1901.11196, without random insertion). The two image
views come from mmpretrain's ``MultiView`` wrapper around a MoCo-v2 style
pipeline (``configs/intern/_base_/datasets/flickr8k.py``).
"""
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from mmintern.registry import register_transform

__all__ = ['EDATextAugment', 'SYNONYMS']

#: A small built-in synonym table (symmetric within each group), covering
#: common caption words; EDA with WordNet would need nltk and its corpus.
_GROUPS = [
    ['man', 'guy', 'gentleman'], ['woman', 'lady'],
    ['child', 'kid', 'youngster'], ['boy', 'lad'], ['girl', 'lass'],
    ['dog', 'puppy', 'hound'], ['people', 'persons', 'folks'],
    ['small', 'little', 'tiny'], ['big', 'large', 'huge'],
    ['running', 'jogging', 'sprinting'], ['jumping', 'leaping'],
    ['walking', 'strolling'], ['sitting', 'seated'],
    ['playing', 'frolicking'], ['street', 'road'],
    ['water', 'lake'], ['grass', 'lawn'], ['shirt', 'top'],
    ['photo', 'picture', 'image'], ['looking', 'gazing'],
    ['standing', 'posing'], ['red', 'crimson'], ['field', 'meadow'],
    ['building', 'structure'], ['holding', 'carrying'],
    ['beach', 'shore'], ['ball', 'sphere'], ['rock', 'stone'],
    ['stairs', 'steps'], ['climbing', 'scaling'], ['happy', 'cheerful'],
]
SYNONYMS: Dict[str, List[str]] = {
    w: [o for o in g if o != w] for g in _GROUPS for w in g
}


@register_transform
class EDATextAugment(BaseTransform):
    """Easy data augmentation of a caption: synonym replacement, random
    swap, random deletion.

    Words are whitespace tokens, lower-cased. Each operation is applied with
    its probability ``p_*``; its strength ``alpha`` is the fraction of words
    touched (at least one). Randomness is numpy's global RNG, like mmcv's
    random transforms, so the run's seed controls it. The output never
    comes back empty: deletion keeps at least one word.

    Required keys: ``key`` (default ``text``). Added key: ``out_key``
    (default ``text_aug``).

    Args:
        p_synonym (float): Probability of synonym replacement. Defaults to
            0.5.
        p_swap (float): Probability of random swaps. Defaults to 0.5.
        p_delete (float): Probability of random deletion. Defaults to 0.5.
        alpha (float): Fraction of words replaced / swapped, and the
            deletion probability of each word. Defaults to 0.1.
        synonyms (dict, optional): Word -> synonyms; None uses
            :data:`SYNONYMS`.
        key (str): Input caption key. Defaults to ``'text'``.
        out_key (str): Output key. Defaults to ``'text_aug'``.
    """

    def __init__(self, p_synonym: float = 0.5, p_swap: float = 0.5,
                 p_delete: float = 0.5, alpha: float = 0.1,
                 synonyms: Optional[Dict[str, Sequence[str]]] = None,
                 key: str = 'text', out_key: str = 'text_aug'):
        for name, p in (('p_synonym', p_synonym), ('p_swap', p_swap),
                        ('p_delete', p_delete), ('alpha', alpha)):
            if not 0 <= p <= 1:
                raise ValueError(f'{name} must be in [0, 1], got {p}')
        self.p_synonym, self.p_swap, self.p_delete = p_synonym, p_swap, \
            p_delete
        self.alpha = alpha
        self.synonyms = SYNONYMS if synonyms is None else \
            {k.lower(): list(v) for k, v in synonyms.items()}
        self.key, self.out_key = key, out_key

    def _n(self, words: List[str]) -> int:
        return max(1, int(round(self.alpha * len(words))))

    def synonym_replace(self, words: List[str]) -> List[str]:
        words = list(words)
        cands = [i for i, w in enumerate(words) if self.synonyms.get(w)]
        np.random.shuffle(cands)
        for i in cands[:self._n(words)]:
            syns = self.synonyms[words[i]]
            words[i] = syns[np.random.randint(len(syns))]
        return words

    def random_swap(self, words: List[str]) -> List[str]:
        words = list(words)
        if len(words) < 2:
            return words
        for _ in range(self._n(words)):
            i, j = np.random.choice(len(words), 2, replace=False)
            words[i], words[j] = words[j], words[i]
        return words

    def random_delete(self, words: List[str]) -> List[str]:
        if len(words) < 2:
            return list(words)
        keep = np.random.rand(len(words)) >= self.alpha
        if not keep.any():
            keep[np.random.randint(len(words))] = True
        return [w for w, k in zip(words, keep) if k]

    def augment(self, text: str) -> str:
        """One EDA draw of a caption."""
        words = text.lower().split()
        if not words:
            return text
        if np.random.rand() < self.p_synonym:
            words = self.synonym_replace(words)
        if np.random.rand() < self.p_swap:
            words = self.random_swap(words)
        if np.random.rand() < self.p_delete:
            words = self.random_delete(words)
        return ' '.join(words)

    def transform(self, results: dict) -> dict:
        results[self.out_key] = self.augment(results[self.key])
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(p_synonym={self.p_synonym}, '
                f'p_swap={self.p_swap}, p_delete={self.p_delete}, '
                f'alpha={self.alpha})')
