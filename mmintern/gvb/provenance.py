"""What made a GV-B result: fingerprints, the weight check, the run lock.

A result (and a feature cache) is reused only when everything that made it
is the same: the resolved dataset config, the bytes of the checkpoint, the
seed, the percentage, the quick flag, the options and the probe. Anything
else reruns. The spec and its checkpoint are checked once, before anything
trains: the widths it states and the weights must fit the backbone
exactly. One work dir takes one run at a time.
"""
import fcntl
import hashlib
import json
import os
import os.path as osp
from typing import Dict, Iterable, Optional

from mmengine.config import Config

from .backbone_spec import BackboneSpec

__all__ = ['checkpoint_identity', 'fingerprint', 'fingerprint_key',
           'fingerprint_changes', 'check_backbone', 'WorkDirLock']

_SHA_CACHE: Dict[tuple, str] = {}


def _sha256_file(path: str) -> str:
    # Keyed by size and mtime too: a checkpoint overwritten at the same path
    # is hashed again.
    stat = os.stat(path)
    key = (osp.abspath(path), stat.st_size, stat.st_mtime_ns)
    if key not in _SHA_CACHE:
        digest = hashlib.sha256()
        with open(path, 'rb') as f:
            for block in iter(lambda: f.read(1 << 20), b''):
                digest.update(block)
        _SHA_CACHE[key] = digest.hexdigest()
    return _SHA_CACHE[key]


def checkpoint_identity(checkpoint: Optional[str]) -> str:
    """What the weights are: ``sha256:<hex>`` of a local file, the name of a
    scheme (``mmintern://``, ``https://``) with mmintern's version, or
    ``random-init``."""
    if checkpoint is None:
        return 'random-init'
    if osp.isfile(checkpoint):
        return 'sha256:' + _sha256_file(checkpoint)
    from mmintern import __version__
    return f'{checkpoint} (mmintern {__version__})'


def fingerprint(cfg: Config, spec: BackboneSpec, **settings) -> dict:
    """The fingerprint of one dataset run.

    Args:
        cfg (Config): The dataset config as the runner resolved it (the
            work dir does not count).
        spec (BackboneSpec): The backbone under test.
        **settings: JSON-friendly run settings (seed, percentage, quick,
            cfg_options, probe).

    Returns:
        dict: ``config_sha256``, ``checkpoint`` and the settings.
    """
    # The config as data, not ``pretty_text``: that runs yapf, seconds per
    # config on a small CPU, once per dataset and seed.
    values = cfg.to_dict()
    values.pop('work_dir', None)
    text = json.dumps(values, sort_keys=True, default=str)
    return dict(
        config_sha256=hashlib.sha256(text.encode('utf-8')).hexdigest(),
        checkpoint=checkpoint_identity(spec.checkpoint),
        **json.loads(json.dumps(settings, sort_keys=True, default=str)))


def fingerprint_key(print_: dict) -> str:
    """A short name of a fingerprint (e.g. for a feature-cache folder)."""
    text = json.dumps(print_, sort_keys=True)
    return hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]


def fingerprint_changes(stored: Optional[dict], now: dict) -> list:
    """The fields in which a stored fingerprint differs from ``now``."""
    if not stored:
        return ['no fingerprint (written by an older mmintern)']
    return sorted(k for k in set(stored) | set(now)
                  if stored.get(k) != now.get(k))


def _backbone_variants(spec: BackboneSpec, tasks: Iterable[str]) -> dict:
    tasks = set(tasks)
    variants = {}
    if 'classification' in tasks and spec.pooled_channels is not None:
        variants['pooled'] = spec.backbone_cfg(spec.pooled_out_indices,
                                               spec.pooled_backbone)
    if tasks - {'classification'} and spec.dense_channels is not None:
        variants['dense'] = spec.backbone_cfg(spec.dense_out_indices,
                                              spec.dense_backbone)
    return variants


def check_backbone(spec: BackboneSpec, tasks: Iterable[str]) -> None:
    """Fail before anything trains on a spec that does not match its
    backbone, or weights that do not fill it exactly.

    For each form of the backbone the tasks build (pooled, dense), built on
    the meta device (no memory, no time):

    - a 64x64 forward must give the widths the spec states
      (``pooled_channels``; four maps of ``dense_channels``), since the
      heads are built from them;
    - with a checkpoint, every parameter and buffer must be in it (under
      the spec's prefix) with its shape. Keys the backbone does not have are
      allowed (a classifier's head, a feature pyramid that stops before
      ``conv_head``).

    Raises:
        ValueError: Naming the widths, or the keys whose shapes differ.
        KeyError: Naming the missing keys (and, for the released MetaNet
            layout, the converter: MetaNet's own load check).
    """
    import torch
    from mmengine.registry import MODELS, DefaultScope
    weights = _checkpoint_weights(spec) if spec.checkpoint else None
    for name, backbone_cfg in _backbone_variants(spec, tasks).items():
        backbone_cfg = dict(backbone_cfg)
        backbone_cfg.pop('init_cfg', None)
        backbone, outs = None, None
        # The meta device first; a backbone whose forward needs real values
        # (a .item() somewhere) is built and run on the CPU instead.
        for device in ('meta', 'cpu'):
            try:
                with DefaultScope.overwrite_default_scope('mmpretrain'), \
                        torch.device(device):
                    backbone = MODELS.build(backbone_cfg)
                    backbone.eval()
                    with torch.no_grad():
                        outs = backbone(torch.zeros(1, 3, 64, 64))
                break
            except (RuntimeError, NotImplementedError):
                if device == 'cpu':
                    raise
        _check_widths(spec, name, outs)
        if weights is not None:
            _check_weights(spec, name, backbone, weights)


def _check_widths(spec: BackboneSpec, name: str, outs) -> None:
    outs = outs if isinstance(outs, (list, tuple)) else (outs, )
    widths = [int(o.shape[1]) for o in outs]
    where = f'the backbone spec {spec.source or ""}'.rstrip()
    if name == 'pooled' and widths[-1] != spec.pooled_channels:
        raise ValueError(
            f'{where} says pooled_channels={spec.pooled_channels}, but its '
            f'pooled output has {widths[-1]} channels (outputs: {widths})')
    if name == 'dense' and widths != list(spec.dense_channels):
        raise ValueError(
            f'{where} says dense_channels={list(spec.dense_channels)}, but '
            f'dense_out_indices={list(spec.dense_out_indices or [])} give '
            f'maps of {widths} channels')


def _checkpoint_weights(spec: BackboneSpec) -> dict:
    from mmengine.runner.checkpoint import CheckpointLoader
    checkpoint = CheckpointLoader.load_checkpoint(spec.checkpoint,
                                                  map_location='cpu')
    state = checkpoint.get('state_dict', checkpoint)
    prefix = spec.checkpoint_prefix or ''
    weights = {k[len(prefix):]: v for k, v in state.items()
               if k.startswith(prefix)}
    if not weights:
        heads = sorted({k.split('.')[0] + '.' for k in state})[:8]
        raise KeyError(f'the checkpoint {spec.checkpoint} has no key with '
                       f'the prefix {prefix!r}; its keys start with {heads}: '
                       'set checkpoint_prefix (or --checkpoint-prefix)')
    return weights


def _check_weights(spec: BackboneSpec, name: str, backbone,
                   weights: dict) -> None:
    where = (f'the checkpoint {spec.checkpoint} (prefix '
             f'{spec.checkpoint_prefix!r})')
    expected = backbone.state_dict()
    # Loading runs the backbone's own checks: MetaNet's load hook refuses
    # the released layout, naming the converter. Keys of another shape are
    # left out here and reported below.
    backbone.load_state_dict(
        {k: v for k, v in weights.items()
         if k not in expected or expected[k].shape == v.shape},
        strict=False, assign=True)
    missing = sorted(k for k in expected if k not in weights)
    if missing:
        raise KeyError(
            f'{where} does not fill the {name} backbone '
            f'{spec.backbone.get("type")}: {len(missing)} of its '
            f'{len(expected)} keys are missing, e.g. {missing[:6]}; is it '
            'the checkpoint of this architecture?')
    wrong = [f'{k}: checkpoint {tuple(weights[k].shape)}, backbone '
             f'{tuple(v.shape)}' for k, v in expected.items()
             if tuple(weights[k].shape) != tuple(v.shape)]
    if wrong:
        raise ValueError(
            f'{where} does not fit the {name} backbone '
            f'{spec.backbone.get("type")}: {len(wrong)} shapes differ, '
            f'e.g. {wrong[:4]}; is it the checkpoint of this architecture?')


class WorkDirLock:
    """An exclusive lock on a work dir (``{work_dir}/.gvb.lock``).

    A second ``tools/gvb.py`` on the same work dir would race the first on
    ``results.json`` and lose a result: it is refused instead. The lock is
    the operating system's (``flock``), so a killed run leaves none behind.
    """

    def __init__(self, work_dir: str):
        self.path = osp.join(work_dir, '.gvb.lock')
        self.file = None

    def __enter__(self):
        os.makedirs(osp.dirname(self.path), exist_ok=True)
        self.file = open(self.path, 'a+')
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.file.seek(0)
            holder = self.file.read().strip() or 'another process'
            self.file.close()
            raise RuntimeError(
                f'{osp.dirname(self.path)} is in use by a running GV-B run '
                f'({holder}); wait for it or use another --work-dir'
            ) from None
        self.file.truncate(0)
        self.file.write(f'pid {os.getpid()}\n')
        self.file.flush()
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.file, fcntl.LOCK_UN)
        self.file.close()
