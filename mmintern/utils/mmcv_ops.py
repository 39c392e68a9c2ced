"""Which mmcv ops to build on this machine: CPU-only or CUDA, and why.

``tools/setup_env.sh`` runs this file by path (mmintern is not installed yet,
so it imports nothing but the standard library, and torch lazily) and
``eval``s what it prints. The decision goes by the device torch sees, never
by ``nvcc`` alone: a machine with the CUDA toolkit and no GPU cannot build
CUDA ops without an arch list (torch's ``_get_cuda_arch_flags`` fails with an
IndexError), and CPU ops are what it can use anyway.

``MMINTERN_CUDA_OPS`` is the one switch a user sets:

- unset (or ``auto``): CUDA ops when torch sees a CUDA device (and ``nvcc``
  exists), for that device's arch; otherwise CPU ops;
- ``1``: CUDA ops, for ``TORCH_CUDA_ARCH_LIST`` if set, else for the visible
  devices; neither -> an error that says what to set;
- ``0``: CPU ops even where a device is visible.
"""
import os
import shlex
import shutil
import sys
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence, Tuple

SWITCH = 'MMINTERN_CUDA_OPS'
# Where setup_env.sh records the decision, relative to the venv (sys.prefix),
# so that collect_env can say why the installed mmcv has the ops it has.
RECORD = 'mmintern-mmcv-ops.txt'


class MmcvOpsError(ValueError):
    """The requested ops cannot be built on this machine as configured."""


@dataclass(frozen=True)
class OpsChoice:
    cuda: bool
    arch_list: Optional[str]  # TORCH_CUDA_ARCH_LIST for a CUDA build
    reason: str

    @property
    def variant(self) -> str:
        return f'cuda-{self.arch_list}' if self.cuda else 'cpu'


def arch_list_of(capabilities: Sequence[Tuple[int, int]]) -> str:
    """``[(9, 0), (8, 0), (9, 0)]`` -> ``'8.0;9.0'`` (sorted, unique)."""
    return ';'.join(f'{major}.{minor}'
                    for major, minor in sorted(set(capabilities)))


def decide_mmcv_ops(env: Mapping[str, str],
                    capabilities: Sequence[Tuple[int, int]],
                    nvcc: Optional[str]) -> OpsChoice:
    """Decide the ops from the switch, the visible devices and nvcc.

    Args:
        env: the environment (``SWITCH`` and ``TORCH_CUDA_ARCH_LIST``).
        capabilities: the compute capability of each CUDA device torch
            sees; empty when ``torch.cuda.is_available()`` is False.
        nvcc: the path of nvcc, or None where it is not on PATH.
    """
    switch = env.get(SWITCH, 'auto').strip().lower() or 'auto'
    given_arch = env.get('TORCH_CUDA_ARCH_LIST', '').strip()
    devices = (f'{len(capabilities)} CUDA device(s), arch '
               f'{arch_list_of(capabilities)}' if capabilities else
               'no CUDA device visible to torch')
    if switch == '0':
        return OpsChoice(False, None, f'{SWITCH}=0 ({devices})')
    if switch == '1':
        if nvcc is None:
            raise MmcvOpsError(
                f'{SWITCH}=1 asks for CUDA ops but nvcc is not on PATH: '
                f'install the CUDA toolkit or unset {SWITCH} for CPU ops')
        if given_arch:
            return OpsChoice(True, given_arch,
                             f'{SWITCH}=1 with TORCH_CUDA_ARCH_LIST='
                             f'{given_arch} ({devices})')
        if capabilities:
            return OpsChoice(True, arch_list_of(capabilities),
                             f'{SWITCH}=1, arch from the visible devices '
                             f'({devices})')
        raise MmcvOpsError(
            f'{SWITCH}=1 asks for CUDA ops, but torch sees no CUDA device '
            'to take the arch from and TORCH_CUDA_ARCH_LIST is not set: '
            "set TORCH_CUDA_ARCH_LIST (e.g. '9.0' for H100/H200, '8.0' for "
            f"A100, '8.6' for RTX 30xx) or unset {SWITCH} for CPU ops")
    if switch != 'auto':
        raise MmcvOpsError(f'{SWITCH}={env[SWITCH]!r} is not valid: use 1 '
                           '(CUDA ops), 0 (CPU ops) or leave it unset '
                           '(decide by the visible device)')
    if not capabilities:
        found = f'nvcc at {nvcc} does not decide' if nvcc else 'no nvcc'
        return OpsChoice(False, None, f'{devices} ({found}); set {SWITCH}=1 '
                         'and TORCH_CUDA_ARCH_LIST to build CUDA ops anyway')
    if nvcc is None:
        return OpsChoice(False, None,
                         f'{devices}, but nvcc is not on PATH to build for it')
    return OpsChoice(True, arch_list_of(capabilities), devices)


def visible_capabilities() -> list:
    import torch
    if not torch.cuda.is_available():
        return []
    return [
        torch.cuda.get_device_capability(i)
        for i in range(torch.cuda.device_count())
    ]


def main() -> int:
    """Print the decision as shell assignments for setup_env.sh."""
    try:
        choice = decide_mmcv_ops(os.environ, visible_capabilities(),
                                 shutil.which('nvcc'))
    except MmcvOpsError as e:
        print(f'[setup] error: {e}', file=sys.stderr)
        return 2
    print(f'MMCV_OPS_VARIANT={shlex.quote(choice.variant)}')
    print(f'MMCV_OPS_CUDA={int(choice.cuda)}')
    print(f'MMCV_OPS_ARCH={shlex.quote(choice.arch_list or "")}')
    print(f'MMCV_OPS_REASON={shlex.quote(choice.reason)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
