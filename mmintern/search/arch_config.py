"""A searched network written out as an mmengine config."""
import pprint

from mmintern.models.backbones.metanet_arch import MetaNetCfg


def arch_config(base: str, arch: MetaNetCfg, header: str = '') -> str:
    """The text of a config that is ``base`` with ``arch`` as its
    ``model.backbone.arch`` (replacing the base's, name or dict)."""
    body = pprint.pformat(dict(_delete_=True, **arch.to_dict()),
                          sort_dicts=False, indent=4)
    return (f'{header}_base_ = [{base!r}]\n\n'
            f'model = dict(backbone=dict(arch=\n{body}))\n')
