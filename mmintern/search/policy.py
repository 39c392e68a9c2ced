"""A policy over a space's decisions: one table of logits per decision,
sampled decision by decision with the options the prefix allows.

The masks make every sample a valid network and keep the probabilities of
a vector well defined, so PPO can re-score old samples exactly.
"""
from typing import List, Sequence, Tuple

import torch
import torch.nn as nn


class FactoredPolicy(nn.Module):
    """Independent logits per decision, masked by what the prefix allows.

    Args:
        space: a search space with ``num_decisions``, ``options(i)`` and
            ``allowed(prefix)`` (:class:`~mmintern.search.MetaNetSpace`).
    """

    def __init__(self, space):
        super().__init__()
        self.space = space
        self.logits = nn.ParameterList([
            nn.Parameter(torch.zeros(len(space.options(i))))
            for i in range(space.num_decisions)
        ])

    def _masked(self, index: int, prefix: Sequence[int]) -> torch.Tensor:
        allowed = self.space.allowed(prefix)
        mask = torch.full_like(self.logits[index], float('-inf'))
        mask[allowed] = 0.
        return torch.log_softmax(self.logits[index] + mask, dim=0)

    @torch.no_grad()
    def sample(self, generator: torch.Generator) -> List[int]:
        vector: List[int] = []
        for i in range(self.space.num_decisions):
            probs = self._masked(i, vector).exp()
            vector.append(int(torch.multinomial(probs, 1,
                                                generator=generator)))
        return vector

    def log_prob_and_entropy(self, vector: Sequence[int]
                             ) -> Tuple[torch.Tensor, torch.Tensor]:
        """The log-probability of ``vector`` and the entropy of the
        decisions along it (the masked distributions it was drawn from)."""
        log_prob = entropy = 0.
        for i, choice in enumerate(vector):
            logp = self._masked(i, vector[:i])
            log_prob = log_prob + logp[choice]
            p = logp.exp()
            entropy = entropy - (p * torch.where(p > 0, logp,
                                                 torch.zeros_like(logp))).sum()
        return log_prob, entropy

    def best(self) -> List[int]:
        """The most probable option of each decision, in turn."""
        vector: List[int] = []
        with torch.no_grad():
            for i in range(self.space.num_decisions):
                vector.append(int(self._masked(i, vector).argmax()))
        return vector
