"""Reproducible percentage-shot splits for the GV-B benchmark.

GV-B (INTERN, https://arxiv.org/abs/2111.08687) evaluates frozen backbones
on a percentage (10% in the paper) of each downstream training set. The
official lists were never published, so mmintern makes them from the data
alone: the same labels, percentage and seed give the same split.

Each random choice draws from its own generator,
``np.random.default_rng([seed, key])``, keyed by the class it serves, so a
class's choice does not depend on the other classes or on the order the
classes appear in. Generator streams are stable for a numpy version but
numpy does not promise them across versions: the split *file* written with
:func:`write_split_file` is the artifact to share, not the seed.

Counts round half up, ``floor(x + 0.5)``, not with Python's ``round``,
which rounds half to even (``round(2.5) == 2``) and would make 25% of 10
samples and 25% of 6 samples disagree on which way .5 goes.
"""
import math
import os
import os.path as osp
from numbers import Real
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np

__all__ = [
    'class_order', 'share', 'split_by_class', 'class_proportional_split',
    'image_split', 'split_statistics',
    'write_split_file', 'read_split_file', 'check_percentage', 'check_seed',
    'FILL_STREAM'
]

# Key of the generator that tops an image split up to its target count. The
# design key is -1, "no class", but ``np.random.SeedSequence`` takes only
# non-negative entropy, so -1 is spelled as its unsigned 32-bit word. Class
# ids never come near it.
FILL_STREAM = 2**32 - 1


def check_percentage(percentage: Real) -> float:
    """Return ``percentage`` as a float if it is in (0, 100].

    Args:
        percentage: Share of the data to keep, in percent.

    Returns:
        float: The percentage.

    Raises:
        ValueError: If it is not a number in (0, 100].
    """
    # bool is a Real, but True meaning 1% is surely a mistake.
    if isinstance(percentage, bool) or not isinstance(percentage, Real):
        raise ValueError(f'percentage must be a number in (0, 100], got '
                         f'{percentage!r}')
    # Written so that NaN fails too.
    if not 0 < percentage <= 100:
        raise ValueError(f'percentage must be in (0, 100], got {percentage}')
    return float(percentage)


def check_seed(seed: int) -> int:
    """Return ``seed`` if it is a non-negative integer.

    Args:
        seed: Seed of a split; it keys ``np.random.default_rng``, which
            takes non-negative integers only.

    Returns:
        int: The seed.

    Raises:
        ValueError: If it is not a non-negative integer.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) \
            or seed < 0:
        raise ValueError(f'seed must be a non-negative integer, got {seed!r}')
    return int(seed)


def _check_class_id(class_id) -> int:
    # Class ids key the generators, which take non-negative integers only.
    if isinstance(class_id, bool) or \
            not isinstance(class_id, (int, np.integer)) or class_id < 0:
        raise ValueError(f'class ids must be non-negative integers, got '
                         f'{class_id!r}')
    return int(class_id)


def share(count: int, fraction: float, both_sides: bool = False) -> int:
    """How many of ``count`` samples a ``fraction`` of them is.

    ``floor(count * fraction + 0.5)`` (half up, see the module docstring),
    at least 1 so that a rare class keeps a sample. With ``both_sides`` a
    class of at least two samples also leaves at least one for the rest.
    """
    num = max(1, math.floor(count * fraction + 0.5))
    if both_sides and count >= 2:
        num = min(num, count - 1)
    return min(num, count)


def _rng(seed: int, key: int) -> np.random.Generator:
    return np.random.default_rng([seed, key])


def class_order(count: int, seed: int, key: int) -> np.ndarray:
    """A class's ``count`` samples in their random order for ``seed``.

    The one shuffle behind every per-class split in mmintern (percentage
    shots, GV-B's own train / test splits, the linear probe's hold-out,
    ``ClassFolderSubset``'s parts): ``default_rng([seed, key]).permutation``
    with ``key`` naming the class, so a class's order does not depend on the
    other classes. A split takes a prefix of the order, so a larger share
    of a class holds the smaller one.
    """
    return _rng(check_seed(seed), key).permutation(count)


def split_by_class(labels: Sequence[int],
                   fraction: Optional[float],
                   seed: int = 0,
                   both_sides: bool = False,
                   count: Optional[int] = None
                   ) -> Tuple[List[int], List[int]]:
    """Split sample indices class by class into a ``fraction`` and the rest.

    Class ``c``'s members, in ascending index order, take the order
    :func:`class_order` gives with key ``c``; the first :func:`share` of them
    (or the first ``count``) go to the first part.

    Args:
        labels (Sequence[int]): Non-negative class id of each sample.
        fraction (float, optional): Share of each class in the first part,
            in (0, 1]; None when ``count`` is given.
        seed (int): Non-negative seed. Defaults to 0.
        both_sides (bool): Leave at least one sample of every class with
            two or more for the rest. Defaults to False.
        count (int, optional): A number of samples of each class for the
            first part instead of a share (all of a smaller class, less
            one with ``both_sides``).

    Returns:
        tuple[list[int], list[int]]: Indices of the first part and of the
        rest, each ascending.
    """
    if (fraction is None) == (count is None):
        raise ValueError('give one of fraction and count, got '
                         f'fraction={fraction} and count={count}')
    if fraction is not None and not 0 < fraction <= 1:
        raise ValueError(f'fraction must be in (0, 1], got {fraction}')
    if count is not None and (isinstance(count, bool) or
                              not isinstance(count, int) or count < 1):
        raise ValueError(f'count must be a positive integer, got {count!r}')
    labels = np.asarray([_check_class_id(label) for label in labels],
                        dtype=np.int64)
    first, rest = [], []
    for class_id in np.unique(labels):
        # flatnonzero lists the members in ascending order, so the draw
        # depends only on which samples the class holds.
        members = np.flatnonzero(labels == class_id)
        order = members[class_order(len(members), seed, int(class_id))]
        if count is None:
            num = share(len(members), fraction, both_sides)
        else:
            num = min(count, len(members) - 1 if both_sides and
                      len(members) >= 2 else len(members))
        first.extend(order[:num].tolist())
        rest.extend(order[num:].tolist())
    return sorted(first), sorted(rest)


def class_proportional_split(labels: Sequence[int],
                             percentage: Real,
                             seed: int = 0) -> List[int]:
    """Keep ``percentage`` percent of the samples of every class.

    A class with ``n_c`` samples keeps ``max(1, floor(n_c * p / 100 + 0.5))``
    of them: rounding half up (see the module docstring), and at least one
    so that the rare classes of a long-tailed dataset stay in the split.
    They are the first of the class's :func:`class_order`
    (:func:`split_by_class`).

    Args:
        labels (Sequence[int]): The class of each sample (single-label).
        percentage (float): Share to keep, in percent, in (0, 100].
        seed (int): Non-negative seed. Defaults to 0.

    Returns:
        list[int]: Indices of the kept samples, ascending.

    Raises:
        ValueError: For a percentage outside (0, 100], a negative seed or
            a negative class id.
    """
    percentage = check_percentage(percentage)
    return split_by_class(labels, percentage / 100, check_seed(seed))[0]


def image_split(image_classes: Sequence[Iterable[int]],
                percentage: Real,
                seed: int = 0) -> List[int]:
    """Keep ``percentage`` percent of the images and every class.

    For detection, segmentation and depth, where an image holds a set of
    classes (possibly none). The target is ``max(1, floor(N * p / 100 +
    0.5))`` of the ``N`` images. First every class is covered: going from
    the rarest class (fewest images) to the most common, ties by class id,
    a class that no chosen image holds yet gets one random image that holds
    it, from ``np.random.default_rng([seed, class_id])``. Then random
    remaining images fill the split up to the target, from
    ``np.random.default_rng([seed, FILL_STREAM])`` (:data:`FILL_STREAM`
    stands for the key -1, "no class").

    When covering the classes already takes more images than the target,
    the split is the coverage set, larger than the target: a class missing
    from the split would be missing from the benchmark.

    Args:
        image_classes (Sequence[Iterable[int]]): The classes in each image;
            an empty one for images without classes (all of them for depth).
        percentage (float): Share to keep, in percent, in (0, 100].
        seed (int): Non-negative seed. Defaults to 0.

    Returns:
        list[int]: Indices of the kept images, ascending.

    Raises:
        ValueError: For a percentage outside (0, 100], a negative seed or
            a negative class id.
    """
    percentage = check_percentage(percentage)
    seed = check_seed(seed)
    image_classes = [{_check_class_id(c) for c in classes}
                     for classes in image_classes]
    if not image_classes:
        return []
    target = share(len(image_classes), percentage / 100)

    holders: Dict[int, List[int]] = {}
    for index, classes in enumerate(image_classes):
        for class_id in classes:
            holders.setdefault(class_id, []).append(index)

    chosen = set()
    covered = set()
    for class_id in sorted(holders, key=lambda c: (len(holders[c]), c)):
        if class_id in covered:
            continue
        # No chosen image holds the class, so all its holders are free.
        index = int(_rng(seed, class_id).choice(holders[class_id]))
        chosen.add(index)
        covered |= image_classes[index]

    missing = target - len(chosen)
    if missing > 0:
        free = [i for i in range(len(image_classes)) if i not in chosen]
        chosen.update(
            int(i) for i in _rng(seed, FILL_STREAM).choice(
                free, missing, replace=False))
    return sorted(chosen)


def _as_classes(label) -> List[int]:
    """The classes of one sample: an int, or an iterable of ints."""
    if isinstance(label, (int, np.integer)):
        return [int(label)]
    return sorted({int(c) for c in label})


def split_statistics(labels_per_sample: Sequence[Union[int, Iterable[int]]],
                     chosen: Sequence[int],
                     num_classes: Optional[int] = None) -> dict:
    """Samples per class in a split: the columns of the GV-B split table.

    Args:
        labels_per_sample (Sequence[int | Iterable[int]]): The class of each
            sample of the full dataset, or the set of classes of each image.
        chosen (Sequence[int]): Indices of the samples in the split.
        num_classes (int, optional): Number of classes; a class that no
            chosen sample holds counts 0. Defaults to the largest class id in
            ``labels_per_sample`` plus one.

    Returns:
        dict: ``per_class`` (list, the chosen samples holding each class; an
        image with several classes counts once for each), ``avg``, ``min``
        and ``max`` of ``per_class`` (None when there are no classes, e.g.
        depth), ``num_classes`` and ``num_samples`` (samples in the split).
    """
    classes = [_as_classes(label) for label in labels_per_sample]
    if num_classes is None:
        num_classes = 1 + max((c for cs in classes for c in cs), default=-1)
    per_class = [0] * num_classes
    for index in chosen:
        for class_id in classes[index]:
            if not 0 <= class_id < num_classes:
                raise ValueError(f'class id {class_id} of sample {index} is '
                                 f'outside [0, {num_classes})')
            per_class[class_id] += 1
    has_classes = num_classes > 0
    return dict(
        per_class=per_class,
        avg=sum(per_class) / num_classes if has_classes else None,
        min=min(per_class) if has_classes else None,
        max=max(per_class) if has_classes else None,
        num_classes=num_classes,
        num_samples=len(chosen))


def write_split_file(path: str, names: Iterable[str]) -> None:
    """Write a split list: one sample name per line.

    The names are sorted by code point and written as UTF-8 with ``'\\n'``
    endings and a trailing newline, so the same split gives byte-identical
    files on any machine and locale. Names should be paths relative to the
    dataset's data root, with ``/`` separators, so that the file is
    portable.

    Args:
        path (str): The file to write; missing folders are made.
        names (Iterable[str]): Names of the samples in the split.

    Raises:
        ValueError: For an empty name, a name with a line break or a name
            listed twice.
    """
    names = sorted(names)
    for name in names:
        if not name or '\n' in name or '\r' in name:
            raise ValueError(f'a split name must be non-empty and on one '
                             f'line, got {name!r}')
    for previous, name in zip(names, names[1:]):
        if previous == name:
            raise ValueError(f'{name!r} is listed twice')
    folder = osp.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    text = ''.join(name + '\n' for name in names)
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        f.write(text)


def read_split_file(path: str) -> List[str]:
    """Read a split list written by :func:`write_split_file`.

    Blank lines are skipped and ``'\\r\\n'`` endings accepted, so that a
    list edited by hand still reads.

    Args:
        path (str): The list file.

    Returns:
        list[str]: The names, in file order.
    """
    with open(path, encoding='utf-8', newline='') as f:
        lines = f.read().split('\n')
    return [line.rstrip('\r') for line in lines if line.rstrip('\r')]
