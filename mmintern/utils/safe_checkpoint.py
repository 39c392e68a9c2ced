"""Weights-only checkpoint loading that still reads mmengine checkpoints.

torch >= 2.6 loads with ``weights_only=True`` by default, and mmengine
0.10.7's training checkpoints carry a few non-tensor objects in their
``meta`` (the message hub's ``HistoryBuffer``, numpy arrays and scalars), so
``load_checkpoint`` and ``--resume`` fail. Instead of switching the safety
off, we allow exactly those globals, and make mmengine's local loader ask for
``weights_only=True`` explicitly, turning a refusal into an error that says
what was refused and why.
"""
import pickle

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader

__all__ = [
    'SAFE_GLOBALS', 'UnsafeCheckpointError', 'allow_mmengine_checkpoints',
    'load_weights_only'
]


def _numpy_globals() -> list:
    # numpy 2 moved numpy.core to numpy._core; pickles name either path.
    core = np._core if hasattr(np, '_core') else np.core
    reconstruct, scalar = core.multiarray._reconstruct, core.multiarray.scalar
    found = [np.ndarray, np.dtype, reconstruct, scalar]
    # Checkpoints written under numpy 1 name the same functions numpy.core.*
    found += [(reconstruct, 'numpy.core.multiarray._reconstruct'),
              (scalar, 'numpy.core.multiarray.scalar')]
    found += [type(np.dtype(t)) for t in (
        np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16,
        np.uint32, np.uint64, np.float16, np.float32, np.float64)]
    return found


def history_buffer_method(owner, name: str):
    """The one use of ``getattr`` in mmengine checkpoints, and no other.

    A ``HistoryBuffer`` pickles its statistics methods (``min``, ``mean``,
    ...) as ``getattr(HistoryBuffer, name)``. Allowing the builtin
    ``getattr`` would hand any attribute of any allowed object to the
    unpickler; this stand-in answers only that question.
    """
    is_buffer = owner is HistoryBuffer or isinstance(owner, HistoryBuffer)
    if not is_buffer or name.startswith('_') or name not in vars(
            HistoryBuffer):
        raise pickle.UnpicklingError(
            f'getattr({owner!r}, {name!r}) is not allowed: only '
            'HistoryBuffer statistics methods are')
    return getattr(owner, name)


def empty_bytes(*args) -> bytes:
    """``bytes()`` with no argument, the one call pickle protocol 2 writes.

    torch saves with protocol 2, which pickles a non-empty ``bytes`` as
    ``_codecs.encode`` (allowed by torch) and an empty one as the call
    ``builtins.bytes()``: that is how the data of an empty numpy array (a
    ``HistoryBuffer`` created but never updated) is written. The real
    ``bytes`` would also take sizes and iterables from the pickle; this
    stand-in takes nothing.
    """
    if args:
        raise pickle.UnpicklingError(
            f'bytes{args!r} is not allowed: only bytes() (empty) is')
    return b''


SAFE_GLOBALS = [
    HistoryBuffer, *_numpy_globals(),
    (history_buffer_method, 'builtins.getattr'),
    (empty_bytes, 'builtins.bytes'),
]


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint asked to unpickle something outside the allow-list."""


def allow_mmengine_checkpoints() -> None:
    """Add the globals that mmengine training checkpoints need."""
    torch.serialization.add_safe_globals(SAFE_GLOBALS)


def _refusal_reason(message: str) -> str:
    """The sentence of torch's refusal that names what was refused."""
    _, marker, rest = message.partition('WeightsUnpickler error:')
    lines = [line.strip() for line in (rest if marker else message)
             .splitlines() if line.strip()]
    if not marker:
        lines = [line for line in lines if 'GLOBAL' in line] or lines
    reason = lines[0] if lines else message
    return reason.split(' Please use')[0]  # not advice to allow it


def load_weights_only(filename: str, map_location=None):
    """``torch.load(weights_only=True)`` with a clear refusal message."""
    try:
        return torch.load(filename, map_location=map_location,
                          weights_only=True)
    except pickle.UnpicklingError as e:
        reason = _refusal_reason(str(e))
        allowed = sorted({f'{g.__module__}.{g.__qualname__}'
                          for g in SAFE_GLOBALS if not isinstance(g, tuple)})
        raise UnsafeCheckpointError(
            f'refused to load {filename}: {reason} Weights-only loading '
            'refuses code in checkpoints, since loading it could run it. '
            f'Allowed beyond tensors and plain containers: {allowed}. '
            'Re-save the checkpoint as a plain state dict, or convert it '
            'with a script in tools/model_converters/.') from e


@CheckpointLoader.register_scheme(prefixes='', force=True)
def _load_from_local(filename: str, map_location=None):
    import os.path as osp
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename} does not exist')
    return load_weights_only(filename, map_location)
