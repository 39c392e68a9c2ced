"""Classification metrics of the linear probe, computed from logits."""
import torch


def _predictions(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    if logits.dim() != 2:
        raise ValueError(f'logits must be [N, C], got shape '
                         f'{tuple(logits.shape)}')
    if y.dim() != 1 or y.numel() != logits.size(0):
        raise ValueError(f'labels must be [N] with N = {logits.size(0)}, '
                         f'got shape {tuple(y.shape)}')
    if y.numel() == 0:
        raise ValueError('cannot compute an accuracy over zero samples')
    return logits.argmax(dim=1)


def accuracy(logits: torch.Tensor, y: torch.Tensor) -> float:
    """Top-1 accuracy.

    Args:
        logits (torch.Tensor): Scores of shape [N, C].
        y (torch.Tensor): Integer labels of shape [N].

    Returns:
        float: The fraction of samples whose arg-max is their label, in
        [0, 1].
    """
    pred = _predictions(logits, y)
    return (pred == y.to(pred.device)).double().mean().item()


def mean_per_class_accuracy(logits: torch.Tensor, y: torch.Tensor,
                            num_classes: int) -> float:
    """Mean over classes of the per-class recall (balanced accuracy).

    The metric of the GV-B datasets whose test sets are imbalanced. Classes
    with no sample in ``y`` have no recall and are skipped, not counted as
    zero, so that a subset of a dataset is scored on the classes it holds.

    Args:
        logits (torch.Tensor): Scores of shape [N, C].
        y (torch.Tensor): Integer labels of shape [N], in
            ``[0, num_classes)``.
        num_classes (int): The number of classes.

    Returns:
        float: The mean recall of the classes present in ``y``, in [0, 1].
    """
    pred = _predictions(logits, y)
    y = y.to(pred.device).long()
    if y.min() < 0 or y.max() >= num_classes:
        raise ValueError(f'labels must be in [0, {num_classes}), got '
                         f'[{y.min().item()}, {y.max().item()}]')
    support = torch.bincount(y, minlength=num_classes)
    correct = torch.bincount(y[pred == y], minlength=num_classes)
    present = support > 0
    recall = correct[present].double() / support[present].double()
    return recall.mean().item()
