"""Tag each sample with the name of its dataset (multi-dataset training),
and read the tag back."""
from mmcv.transforms import BaseTransform

from mmintern.registry import register_transform


@register_transform
class AddDatasetName(BaseTransform):
    """Set ``results['dataset'] = name``.

    Up-E and Up-G train one model on several datasets, each with its own head
    (:class:`MultiHeadClassifier`, :class:`MultiTaskExpert`); the model
    routes a sample to the head of the dataset named in its metainfo. Put
    this transform in each dataset's pipeline and ``'dataset'`` in the
    ``meta_keys`` of the packing transform (``PackInputs``,
    ``PackDetInputs``, ``PackSegInputs``).

    Args:
        name (str): The dataset's name: a head name of the model.
    """

    def __init__(self, name: str):
        if not isinstance(name, str) or not name:
            raise ValueError(f'name must be a non-empty string, got {name!r}')
        self.name = name

    def transform(self, results: dict) -> dict:
        results['dataset'] = self.name
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(name={self.name!r})'


def dataset_of(sample) -> str:
    """The dataset name :class:`AddDatasetName` put on a packed sample:
    ``sample.metainfo['dataset']``, or a ``dataset`` key / attribute."""
    metainfo = getattr(sample, 'metainfo', None)
    if isinstance(metainfo, dict) and 'dataset' in metainfo:
        return metainfo['dataset']
    if isinstance(sample, dict) and 'dataset' in sample:
        return sample['dataset']
    if hasattr(sample, 'dataset'):
        return getattr(sample, 'dataset')
    raise KeyError(
        "a data sample has no dataset name: add AddDatasetName(name) to its "
        "dataset's pipeline and 'dataset' to the meta_keys of the packing "
        'transform (PackInputs, PackDetInputs, PackSegInputs)')
