"""Searchers over a space's decision vectors: ``ask()`` a vector,
``tell(vector, reward)`` its reward. Each is deterministic given its seed
and the rewards it is told, which is what lets a killed search resume by
replaying its log (:func:`mmintern.search.run_search`).

- :class:`PPOSearcher`: INTERN's searcher, proximal policy optimisation.
  An architecture is a one-step episode (the whole vector is the action,
  its reward the return) from one constant state, so the value baseline
  has no state to read: it is the expected reward, estimated by the
  batch's mean. (A learned scalar critic, as stable-baselines3's PPO would
  fit, is subtracted and then cancelled exactly by its normalisation of
  the advantages, so none is kept.) The policy is
  :class:`~mmintern.search.policy.FactoredPolicy`. It is written here
  rather than taken from stable-baselines3: SB3's PPO takes a
  ``MultiDiscrete`` action but no per-prefix masks, and without them the
  constraints of the space would turn most samples into invalid networks.
- :class:`RandomSearcher`: the baseline, each decision uniform over the
  options its prefix allows.
- :class:`TPESearcher`: the model-based baseline, Optuna's tree-structured
  Parzen estimator over the same decisions.
"""
from typing import List, Sequence

import torch

from mmintern.registry import SEARCHERS
from .policy import FactoredPolicy


@SEARCHERS.register_module()
class RandomSearcher:
    """Uniform over the allowed options, decision by decision: the policy
    PPO starts from (zero logits), never updated.

    Args:
        space: the search space.
        seed (int): The sampling seed.
    """

    def __init__(self, space, seed: int = 0):
        self.policy = FactoredPolicy(space)
        self.generator = torch.Generator().manual_seed(seed)

    def ask(self) -> List[int]:
        return self.policy.sample(self.generator)

    def tell(self, vector: Sequence[int], reward: float) -> None:
        pass


@SEARCHERS.register_module()
class PPOSearcher:
    """PPO over architectures, one step per episode.

    After every ``batch_size`` rewards, ``epochs`` passes of Adam over the
    batch minimise PPO's clipped surrogate minus ``entropy_weight`` x the
    policy's entropy, with advantages ``(reward - value) / std``: the value
    and the spread are the batch's mean and standard deviation of the
    rewards.

    Args:
        space: the search space.
        seed (int): The sampling seed.
        batch_size (int): Architectures per policy update.
        epochs (int): Passes over each batch.
        lr (float): Adam's learning rate for the logits.
        clip (float): PPO's ratio clip epsilon.
        entropy_weight (float): The entropy bonus.
    """

    def __init__(self, space, seed: int = 0, batch_size: int = 8,
                 epochs: int = 8, lr: float = 0.1, clip: float = 0.2,
                 entropy_weight: float = 0.01):
        self.space = space  # the policy starts uniform: zero logits
        self.policy = FactoredPolicy(space)
        self.optimizer = torch.optim.Adam(self.policy.parameters(), lr=lr)
        self.generator = torch.Generator().manual_seed(seed)
        self.batch_size, self.epochs = batch_size, epochs
        self.clip = clip
        self.entropy_weight = entropy_weight
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
            advantage = rewards - rewards.mean()
            if len(self.batch) > 1 and rewards.std() > 0:
                advantage = advantage / rewards.std()
            ratio = (log_probs - old).exp()
            surrogate = torch.min(
                ratio * advantage,
                ratio.clamp(1 - self.clip, 1 + self.clip) * advantage)
            loss = -surrogate.mean() - self.entropy_weight * entropy
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
        self.updates += 1

    def best(self) -> List[int]:
        """The policy's most probable architecture."""
        return self.policy.best()


def nearest_allowed(option: int, allowed: Sequence[int]) -> int:
    """The allowed option closest in index to ``option`` (the lower of two
    as close)."""
    return min(allowed, key=lambda a: (abs(a - option), a))


@SEARCHERS.register_module()
class TPESearcher:
    """Optuna's TPE over the decisions, through its ask-and-tell interface.

    Optuna needs every decision's options fixed in advance, so it suggests
    from all of a decision's options, and one the prefix does not allow is
    replaced by the nearest allowed one (:func:`nearest_allowed`). TPE is
    told the reward of what it suggested: the replacement is a fixed part
    of the objective it models, and no evaluation is spent on an invalid
    network.

    Args:
        space: the search space.
        seed (int): TPE's seed.
        n_startup_trials (int): Random suggestions before TPE models the
            rewards (Optuna's default, 10).
    """

    def __init__(self, space, seed: int = 0, n_startup_trials: int = 10):
        try:
            import optuna
        except ImportError as e:
            raise ImportError('TPESearcher needs optuna: pip install -r '
                              'requirements/optional.txt') from e
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self.space = space
        self.study = optuna.create_study(
            direction='maximize',
            sampler=optuna.samplers.TPESampler(
                seed=seed, n_startup_trials=n_startup_trials))
        self.pending = None

    def ask(self) -> List[int]:
        if self.pending is not None:
            raise RuntimeError('tell() the reward of the last ask() first')
        trial = self.study.ask()
        vector: List[int] = []
        for i in range(self.space.num_decisions):
            option = trial.suggest_categorical(
                self.space.decision_name(i),
                list(range(len(self.space.options(i)))))
            vector.append(nearest_allowed(option,
                                          self.space.allowed(vector)))
        self.pending = (trial, vector)
        return list(vector)

    def tell(self, vector: Sequence[int], reward: float) -> None:
        trial, asked = self.pending
        if list(vector) != asked:
            raise ValueError(f'told {list(vector)}, but asked {asked}')
        self.study.tell(trial, float(reward))
        self.pending = None
