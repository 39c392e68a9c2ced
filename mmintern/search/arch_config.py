"""A searched network written out as configs: a MetaNet model config and
a GV-B backbone spec."""
import pprint

from mmintern.models.backbones.metanet_arch import MetaNetCfg


def arch_config(base: str, arch: MetaNetCfg, header: str = '') -> str:
    """The text of a config that is ``base`` with ``arch`` as its
    ``model.backbone.arch`` (replacing the base's, name or dict)."""
    body = pprint.pformat(dict(_delete_=True, **arch.to_dict()),
                          sort_dicts=False, indent=4)
    return (f'{header}_base_ = [{base!r}]\n\n'
            f'model = dict(backbone=dict(arch=\n{body}))\n')


# GV-B's dense tasks read the maps at these strides; MetaNet's stem halves
# the image.
DENSE_STRIDES = (4, 8, 16, 32)
STEM_STRIDE = 2


def gvb_backbone_spec(arch: MetaNetCfg, header: str = '') -> str:
    """The text of a GV-B backbone spec (``mmintern/gvb/backbone_spec.py``)
    of ``arch`` from random initialisation (``tools/gvb.py --checkpoint``
    gives weights): the stride-32 stage's map pooled, and the last stage
    at each of strides 4, 8, 16, 32 for the dense tasks, as
    ``configs/gvb/backbones/metanet-b1.py`` reads MetaNet-B1."""
    last, stride = {}, STEM_STRIDE
    for index, stage in enumerate(arch.stages):
        stride *= stage.stride
        last[stride] = index
    missing = [s for s in DENSE_STRIDES if s not in last]
    if missing or max(last) != DENSE_STRIDES[-1]:
        raise ValueError(f'GV-B reads maps at strides {DENSE_STRIDES}; this '
                         f'network has stages at strides {sorted(last)}')
    indices = tuple(last[s] for s in DENSE_STRIDES)
    body = pprint.pformat(arch.to_dict(), sort_dicts=False, indent=4)
    return (f'{header}backbone = dict(type=\'MetaNet\', arch=\n{body})\n'
            'checkpoint = None\n\n'
            f'pooled_out_indices = {indices[-1]}\n'
            f'pooled_channels = {arch.stages[indices[-1]].width}\n'
            'pooled_needs_gap = True\n\n'
            f'dense_out_indices = {indices}\n'
            f'dense_channels = {[arch.stages[i].width for i in indices]}\n')
