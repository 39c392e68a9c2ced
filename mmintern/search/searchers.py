"""Searchers over a space's decision vectors: ``ask()`` a vector,
``tell(vector, reward)`` its reward. Each is deterministic given its seed
and the rewards it is told, which is what lets a killed search resume by
replaying its log (:func:`mmintern.search.run_search`).

- :class:`PPOSearcher`: INTERN's searcher, proximal policy optimisation.
  An architecture is a one-step episode (the whole vector is the action,
  its reward the return), so the value baseline has no state to read: it
  is one learned scalar, the critic of a constant state. The policy is
  :class:`~mmintern.search.policy.FactoredPolicy`. It is written here
  rather than taken from stable-baselines3: SB3's PPO takes a
  ``MultiDiscrete`` action but no per-prefix masks, and without them the
  constraints of the space would turn most samples into invalid networks.
- :class:`RandomSearcher`: the baseline, each decision uniform over the
  options its prefix allows.
"""
from typing import List, Sequence

import torch

from mmintern.registry import SEARCHERS
from .policy import FactoredPolicy


@SEARCHERS.register_module()
class RandomSearcher:
    """Uniform over the allowed options, decision by decision.

    Args:
        space: the search space.
        seed (int): The sampling seed.
    """

    def __init__(self, space, seed: int = 0):
        self.space = space
        self.generator = torch.Generator().manual_seed(seed)

    def ask(self) -> List[int]:
        vector: List[int] = []
        for _ in range(self.space.num_decisions):
            allowed = self.space.allowed(vector)
            pick = torch.randint(len(allowed), (1, ),
                                 generator=self.generator)
            vector.append(allowed[int(pick)])
        return vector

    def tell(self, vector: Sequence[int], reward: float) -> None:
        pass


@SEARCHERS.register_module()
class PPOSearcher:
    """PPO over architectures, one step per episode.

    After every ``batch_size`` rewards, ``epochs`` passes of Adam over the
    batch minimise PPO's clipped surrogate with advantages ``reward -
    value`` (normalised in the batch), plus ``value_weight`` x the value's
    squared error and minus ``entropy_weight`` x the policy's entropy.

    Args:
        space: the search space.
        seed (int): The sampling seed.
        batch_size (int): Architectures per policy update.
        epochs (int): Passes over each batch.
        lr (float): Adam's learning rate for the logits and the value.
        clip (float): PPO's ratio clip epsilon.
        entropy_weight (float): The entropy bonus.
        value_weight (float): The value loss weight.
    """

    def __init__(self, space, seed: int = 0, batch_size: int = 8,
                 epochs: int = 8, lr: float = 0.1, clip: float = 0.2,
                 entropy_weight: float = 0.01, value_weight: float = 0.5):
        self.space = space  # the policy starts uniform: zero logits
        self.policy = FactoredPolicy(space)
        self.value = torch.nn.Parameter(torch.zeros(()))
        self.optimizer = torch.optim.Adam(
            list(self.policy.parameters()) + [self.value], lr=lr)
        self.generator = torch.Generator().manual_seed(seed)
        self.batch_size, self.epochs = batch_size, epochs
        self.clip = clip
        self.entropy_weight, self.value_weight = entropy_weight, value_weight
        self.batch: List[tuple] = []
        self.updates = 0

    def ask(self) -> List[int]:
        return self.policy.sample(self.generator)

    def tell(self, vector: Sequence[int], reward: float) -> None:
        with torch.no_grad():
            old, _ = self.policy.log_prob_and_entropy(vector)
        self.batch.append((list(vector), float(reward), old))
        if len(self.batch) >= self.batch_size:
            self._update()
            self.batch = []

    def _update(self) -> None:
        rewards = torch.tensor([r for _, r, _ in self.batch])
        old = torch.stack([lp for _, _, lp in self.batch])
        for _ in range(self.epochs):
            scored = [self.policy.log_prob_and_entropy(v)
                      for v, _, _ in self.batch]
            log_probs = torch.stack([lp for lp, _ in scored])
            entropy = torch.stack([e for _, e in scored]).mean()
            advantage = rewards - self.value.detach()
            if len(self.batch) > 1 and advantage.std() > 0:
                advantage = (advantage - advantage.mean()) / advantage.std()
            ratio = (log_probs - old).exp()
            surrogate = torch.min(
                ratio * advantage,
                ratio.clamp(1 - self.clip, 1 + self.clip) * advantage)
            loss = -surrogate.mean() \
                + self.value_weight * ((self.value - rewards)**2).mean() \
                - self.entropy_weight * entropy
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
        self.updates += 1

    def best(self) -> List[int]:
        """The policy's most probable architecture."""
        return self.policy.best()
