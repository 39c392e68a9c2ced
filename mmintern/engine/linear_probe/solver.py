"""A linear probe solved on cached features: L-BFGS logistic regression.

GV-B trains its linear classifier with SGD for 10k iterations and
grid-searches the learning rate, the weight decay and the momentum, running
the frozen backbone at every step. On frozen features the problem is convex
(multinomial logistic regression with an L2 penalty), so we solve it to
convergence with full-batch L-BFGS instead: no learning rate or momentum to
tune, deterministic, and the only hyper-parameter left, the weight decay, is
chosen on a class-stratified hold-out of the training features.
"""
from dataclasses import dataclass
from typing import Dict, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmpretrain.evaluation import Accuracy

from mmintern.datasets.percentage_split import split_by_class


# Decades from 1e-6 to 1 (7 values). The low end is GV-B's search range
# [1e-6, 1e-4]; the high end goes further because few-shot training sets
# (GV-B's 10% / 1% splits) usually want stronger regularisation than the
# full ones: towards 1 the probe approaches a class-centroid classifier.
# The penalty is ``weight_decay * ||W||^2 / 2`` next to the *mean*
# cross-entropy, on standardised features, so the values compare across
# dataset sizes and feature scales.
DEFAULT_WEIGHT_DECAYS = tuple(10.0**k for k in range(-6, 1))

# Features whose standard deviation is below this are constant on the
# training set; dividing by it would blow rounding noise up into signal.
_MIN_STD = 1e-6


@dataclass
class LinearProbeResult:
    """A fitted linear probe.

    The classifier acts on standardised features,
    ``logits = ((x - mean) / std) @ weight.T + bias``; :func:`predict` applies
    it and :meth:`fold_standardisation` folds it into a plain linear layer.

    Args:
        weight (torch.Tensor): Weights of shape [C, D].
        bias (torch.Tensor): Biases of shape [C].
        weight_decay (float): The weight decay chosen on the hold-out.
        val_accuracy (Dict[float, float]): Hold-out top-1 accuracy of each
            weight decay of the grid; empty when the grid had one value.
        mean (torch.Tensor): Per-feature mean of the training features, [D].
        std (torch.Tensor): Per-feature standard deviation of the training
            features, [D] (1 for constant features).
    """
    weight: torch.Tensor
    bias: torch.Tensor
    weight_decay: float
    val_accuracy: Dict[float, float]
    mean: torch.Tensor
    std: torch.Tensor

    def fold_standardisation(self) -> Tuple[torch.Tensor, torch.Tensor]:
        """The weight [C, D] and bias [C] that act on raw features.

        For loading the probe into a linear head (e.g. the ``fc`` of
        mmpretrain's ``LinearClsHead``) that sees unstandardised features.
        """
        weight = self.weight / self.std
        bias = self.bias - weight @ self.mean
        return weight, bias


def top1(logits: torch.Tensor, y: torch.Tensor) -> float:
    """Top-1 accuracy in [0, 1] (mmpretrain's ``Accuracy``)."""
    return float(Accuracy.calculate(logits, y, topk=(1, ))[0][0]) / 100


def _check_inputs(x: torch.Tensor, y: torch.Tensor, num_classes: int):
    if x.dim() != 2:
        raise ValueError(f'features must be [N, D], got shape '
                         f'{tuple(x.shape)}')
    if y.dim() != 1 or y.numel() != x.size(0):
        raise ValueError(f'labels must be [N] with N = {x.size(0)}, got '
                         f'shape {tuple(y.shape)}')
    if x.size(0) == 0:
        raise ValueError('cannot fit a linear probe on zero samples')
    if y.min() < 0 or y.max() >= num_classes:
        raise ValueError(f'labels must be in [0, {num_classes}), got '
                         f'[{y.min().item()}, {y.max().item()}]')


def _standardisation(x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    mean = x.mean(dim=0)
    std = x.std(dim=0, unbiased=False)
    std = torch.where(std < _MIN_STD, torch.ones_like(std), std)
    return mean, std


def stratified_split(y: torch.Tensor, num_classes: int, val_fraction: float,
                     seed: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """Split sample indices into fit / hold-out, class by class.

    Every class with at least two samples gives about ``val_fraction`` of
    them (at least one, and never all) to the hold-out, so that the hold-out
    has the class balance of the training set. The fit share is the first
    part of :func:`~mmintern.datasets.percentage_split.split_by_class`, the
    one per-class split of mmintern.

    Args:
        y (torch.Tensor): Integer labels of shape [N].
        num_classes (int): The number of classes.
        val_fraction (float): The fraction of each class to hold out.
        seed (int): Seed of the shuffle within each class.

    Returns:
        Tuple[torch.Tensor, torch.Tensor]: Sorted fit and hold-out indices.
    """
    if not 0 < val_fraction < 1:
        raise ValueError(f'val_fraction must be in (0, 1), got {val_fraction}')
    labels = y.detach().cpu().long()
    if labels.numel() and not 0 <= int(labels.min()) <= int(labels.max()) \
            < num_classes:
        raise ValueError(f'labels must lie in [0, {num_classes}), got '
                         f'[{int(labels.min())}, {int(labels.max())}]')
    fit, val = split_by_class(labels.tolist(), 1 - val_fraction, seed,
                              both_sides=True)
    if not val:
        raise ValueError('no class has two samples: nothing to hold out for '
                         'choosing the weight decay; pass a single weight '
                         'decay instead')
    return torch.tensor(fit, dtype=torch.long), torch.tensor(
        val, dtype=torch.long)


def _fit(x: torch.Tensor, y: torch.Tensor, weight_decay: float,
         init: Tuple[torch.Tensor, torch.Tensor],
         max_iter: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """Full-batch L-BFGS on standardised features from ``init``."""
    weight, bias = (t.clone().requires_grad_() for t in init)
    # ``tolerance_change`` stops once the mean loss moves by less than 1e-6
    # per step: far below what changes a prediction, and it halves the
    # iterations of the weakly regularised (near-separable) fits.
    optimizer = torch.optim.LBFGS([weight, bias], lr=1, max_iter=max_iter,
                                  history_size=20, tolerance_change=1e-6,
                                  line_search_fn='strong_wolfe')

    def closure():
        optimizer.zero_grad()
        # The bias is not penalised: class priors stay free whatever the
        # regularisation.
        loss = F.cross_entropy(F.linear(x, weight, bias), y) \
            + 0.5 * weight_decay * weight.pow(2).sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    return weight.detach(), bias.detach()


def fit_linear_probe(train_x: torch.Tensor,
                     train_y: torch.Tensor,
                     num_classes: int,
                     weight_decays: Sequence[float] = DEFAULT_WEIGHT_DECAYS,
                     val_fraction: float = 0.2,
                     seed: int = 0,
                     max_iter: int = 300) -> LinearProbeResult:
    """Fit a multinomial logistic-regression probe on frozen features.

    Minimises ``cross_entropy + weight_decay * ||W||^2 / 2`` on features
    standardised with the training mean and standard deviation. Each weight
    decay of the grid is fitted on a class-stratified ``1 - val_fraction``
    of the training features and scored on the rest; the best one (ties go
    to the larger decay, the simpler model) is refitted on all of them.

    Args:
        train_x (torch.Tensor): Training features of shape [N, D].
        train_y (torch.Tensor): Training labels of shape [N], in
            ``[0, num_classes)``.
        num_classes (int): The number of classes C.
        weight_decays (Sequence[float]): The weight-decay grid. Defaults to
            :data:`DEFAULT_WEIGHT_DECAYS` (decades from 1e-6 to 1). With
            one value, no hold-out is made.
        val_fraction (float): The hold-out fraction of each class. Defaults
            to 0.2.
        seed (int): Seed of the hold-out split. Defaults to 0.
        max_iter (int): L-BFGS iterations per fit. Defaults to 300.

    Returns:
        LinearProbeResult: The refitted probe, its weight decay and the
        hold-out accuracy of every decay of the grid.
    """
    weight_decays = sorted(float(wd) for wd in weight_decays)
    if not weight_decays or weight_decays[0] < 0:
        raise ValueError(f'weight_decays must be a non-empty list of '
                         f'non-negative values, got {weight_decays}')
    _check_inputs(train_x, train_y, num_classes)
    # Features extracted under torch.inference_mode() cannot be saved for
    # backward; the fits run outside it, on ordinary copies.
    with torch.inference_mode(False), torch.enable_grad():
        x = train_x.detach().float().clone()
        y = train_y.detach().long().clone().to(x.device)

        # Full batch, fixed starting points and no sampling: the result
        # depends on the data only, which makes the probe reproducible.
        init = (x.new_zeros(num_classes, x.size(1)), x.new_zeros(num_classes))
        val_accuracy = {}
        chosen = weight_decays[0]
        if len(weight_decays) > 1:
            fit_idx, val_idx = stratified_split(y, num_classes, val_fraction,
                                                seed)
            mean, std = _standardisation(x[fit_idx])
            fit_x, val_x = (x[fit_idx] - mean) / std, (x[val_idx] - mean) / std
            # Strongest decay first, each fit starting from the previous
            # one: neighbours on the regularisation path are close, which
            # saves most of the L-BFGS iterations of a cold start.
            solutions, previous = {}, init
            for wd in reversed(weight_decays):
                previous = _fit(fit_x, y[fit_idx], wd, previous, max_iter)
                solutions[wd] = previous
                val_accuracy[wd] = top1(F.linear(val_x, *previous),
                                        y[val_idx])
            # Ties go to the larger decay, the simpler model. Accuracies of
            # the same hold-out are exact ratios, so ``==`` is reliable.
            best = max(val_accuracy.values())
            chosen = max(wd for wd, acc in val_accuracy.items() if acc == best)
            val_accuracy = dict(sorted(val_accuracy.items()))
            # The refit on all features starts from the hold-out solution
            # of the same decay, already close to its optimum.
            init = solutions[chosen]

        mean, std = _standardisation(x)
        weight, bias = _fit((x - mean) / std, y, chosen, init, max_iter)
    return LinearProbeResult(
        weight=weight, bias=bias, weight_decay=chosen,
        val_accuracy=val_accuracy, mean=mean, std=std)


def predict(result: LinearProbeResult, x: torch.Tensor) -> torch.Tensor:
    """Logits [N, C] of the probe on raw features ``x`` [N, D]."""
    if x.dim() != 2 or x.size(1) != result.weight.size(1):
        raise ValueError(f'features must be [N, {result.weight.size(1)}], '
                         f'got shape {tuple(x.shape)}')
    x = (x.float().to(result.mean.device) - result.mean) / result.std
    return F.linear(x, result.weight, result.bias)
