"""Tiny samples of the 26 GV-B datasets, each in its real on-disk layout.

Noise images of a few classes, deterministic: enough for a config to run end
to end (the tests, and the GV-B part of ``make demo``), meaningless as
benchmark numbers. Not imported by ``import mmintern``.
"""
from .classification import FIXTURES, fixture_image, write_fixture
from .dense import (write_citypersons, write_kitti, write_nyuv2,
                    write_voc0712, write_voc2012_seg, write_wider_face)

DENSE_WRITERS = dict(
    voc0712=write_voc0712, wider_face=write_wider_face,
    citypersons=write_citypersons, voc2012=write_voc2012_seg,
    kitti=write_kitti, nyuv2=write_nyuv2)


def write_sample(gvb_root: str, key: str) -> str:
    """Write the sample of GV-B dataset ``key`` under ``gvb_root``.

    Returns:
        str: The dataset's folder, ``gvb_root/<key>``.
    """
    if key in FIXTURES:
        return write_fixture(gvb_root, key)
    if key in DENSE_WRITERS:
        return DENSE_WRITERS[key](gvb_root)
    raise KeyError(f'no GV-B sample for {key!r}; valid: '
                   f'{sorted(FIXTURES) + sorted(DENSE_WRITERS)}')


__all__ = ['FIXTURES', 'DENSE_WRITERS', 'fixture_image', 'write_fixture',
           'write_sample']
