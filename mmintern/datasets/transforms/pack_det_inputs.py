"""Pack mmdet inputs together with the extra instance fields of GV-B."""
from typing import Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from mmintern.registry import register_transform

__all__ = ['PackGVBDetInputs']


@register_transform
class PackGVBDetInputs(BaseTransform):
    """mmdet's ``PackDetInputs`` that also packs per-instance fields.

    ``PackDetInputs`` packs only boxes, labels and masks into
    ``gt_instances``; the GV-B metrics read more: ``visibility`` for
    :class:`~mmintern.evaluation.metrics.CityPersonsMissRate`, the
    ``easy`` / ``medium`` / ``hard`` keep flags for
    :class:`~mmintern.evaluation.metrics.WiderFaceAP`. This transform takes
    each field in ``extra_fields`` from the data info's ``instances`` (the
    rows ``LoadAnnotations`` turned into ``gt_bboxes``, in the same order)
    and packs it like the labels: non-ignored instances into
    ``gt_instances``, ignored ones into ``ignored_instances``.

    It must run after ``LoadAnnotations`` and after no transform that drops
    boxes (``RandomCrop``, ``FilterAnnotations``): the fields would no
    longer line up with the boxes, which it checks. It is meant for test
    pipelines, which have none.

    mmdet is imported when the transform is built, not when this module is
    imported, so ``import mmintern`` stays free of mmdet.

    Args:
        extra_fields (Sequence[str]): Keys of each instance dict to pack,
            under the same name. Defaults to ``()``.
        meta_keys (Sequence[str]): As for ``PackDetInputs``.
    """

    def __init__(self,
                 extra_fields: Sequence[str] = (),
                 meta_keys: Sequence[str] = ('img_id', 'img_path',
                                             'ori_shape', 'img_shape',
                                             'scale_factor', 'flip',
                                             'flip_direction')):
        from mmdet.datasets.transforms import PackDetInputs
        self.extra_fields = tuple(extra_fields)
        self.meta_keys = tuple(meta_keys)
        self._pack = PackDetInputs(meta_keys=self.meta_keys)
        # PackDetInputs packs every key of its mapping table the way it
        # packs the labels, split by gt_ignore_flags; an instance attribute
        # extends the table for this instance only.
        self._pack.mapping_table = dict(
            PackDetInputs.mapping_table,
            **{f'gt_{name}': name for name in self.extra_fields})

    def transform(self, results: dict) -> dict:
        """Add ``gt_<field>`` arrays to ``results``, then pack."""
        if self.extra_fields and 'gt_bboxes' in results:
            instances = results.get('instances')
            if instances is None:
                raise KeyError('PackGVBDetInputs needs the data info\'s '
                               '"instances" to read the extra fields from')
            num_boxes = len(results['gt_bboxes'])
            if len(instances) != num_boxes:
                raise ValueError(
                    f'{len(instances)} instances but {num_boxes} gt_bboxes: '
                    'a transform before PackGVBDetInputs dropped boxes, so '
                    f'the fields {self.extra_fields} cannot be matched')
            for name in self.extra_fields:
                missing = [i for i, inst in enumerate(instances)
                           if name not in inst]
                if missing:
                    raise KeyError(
                        f'instances {missing[:5]} of {results.get("img_path")}'
                        f' have no {name!r}; the dataset must provide it')
                results[f'gt_{name}'] = np.array(
                    [inst[name] for inst in instances]).reshape(num_boxes)
        return self._pack(results)

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(extra_fields={self.extra_fields}'
                f', meta_keys={self.meta_keys})')
