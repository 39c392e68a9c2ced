"""The set-up's choice of mmcv ops (mmintern/utils/mmcv_ops.py)."""
import os
import subprocess
import sys

import pytest

from mmintern.utils import mmcv_ops
from mmintern.utils.mmcv_ops import (MmcvOpsError, OpsChoice, arch_list_of,
                                     decide_mmcv_ops)

NVCC = '/usr/local/bin/nvcc'


def test_nvcc_without_device_gives_cpu_ops():
    choice = decide_mmcv_ops({}, [], NVCC)
    assert choice == OpsChoice(False, None, choice.reason)
    assert choice.variant == 'cpu'
    assert 'no CUDA device visible' in choice.reason
    assert NVCC in choice.reason and 'MMINTERN_CUDA_OPS=1' in choice.reason


def test_device_gives_cuda_ops_for_its_arch():
    choice = decide_mmcv_ops({}, [(9, 0)], NVCC)
    assert (choice.cuda, choice.arch_list) == (True, '9.0')
    assert choice.variant == 'cuda-9.0'
    # Several devices: every arch once, sorted.
    assert decide_mmcv_ops({}, [(9, 0), (8, 0), (9, 0)],
                           NVCC).arch_list == '8.0;9.0'
    assert arch_list_of([(8, 6)]) == '8.6'


def test_device_without_nvcc_gives_cpu_ops():
    choice = decide_mmcv_ops({}, [(9, 0)], None)
    assert not choice.cuda and 'nvcc is not on PATH' in choice.reason


def test_explicit_request_without_arch_or_device_is_a_clear_error():
    with pytest.raises(MmcvOpsError, match='set TORCH_CUDA_ARCH_LIST'):
        decide_mmcv_ops({'MMINTERN_CUDA_OPS': '1'}, [], NVCC)
    with pytest.raises(MmcvOpsError, match='nvcc is not on PATH'):
        decide_mmcv_ops({'MMINTERN_CUDA_OPS': '1'}, [(9, 0)], None)


def test_explicit_request_takes_the_given_or_visible_arch():
    given = decide_mmcv_ops(
        {'MMINTERN_CUDA_OPS': '1', 'TORCH_CUDA_ARCH_LIST': '8.0;9.0'}, [],
        NVCC)
    assert (given.cuda, given.arch_list) == (True, '8.0;9.0')
    visible = decide_mmcv_ops({'MMINTERN_CUDA_OPS': '1'}, [(8, 0)], NVCC)
    assert (visible.cuda, visible.arch_list) == (True, '8.0')


def test_explicit_cpu_and_invalid_switch():
    assert not decide_mmcv_ops({'MMINTERN_CUDA_OPS': '0'}, [(9, 0)],
                               NVCC).cuda
    with pytest.raises(MmcvOpsError, match="'yes' is not valid"):
        decide_mmcv_ops({'MMINTERN_CUDA_OPS': 'yes'}, [], NVCC)


def test_script_prints_shell_assignments_and_fails_with_the_reason():
    """What setup_env.sh evals, run by path as the set-up does."""
    pytest.importorskip('torch')
    import torch
    if torch.cuda.is_available():
        pytest.skip('this check is for a machine without a GPU')
    env = {k: v for k, v in os.environ.items()
           if k not in ('MMINTERN_CUDA_OPS', 'TORCH_CUDA_ARCH_LIST')}
    done = subprocess.run([sys.executable, mmcv_ops.__file__],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assigned = dict(line.split('=', 1) for line in done.stdout.splitlines())
    assert assigned['MMCV_OPS_VARIANT'] == 'cpu'
    assert assigned['MMCV_OPS_CUDA'] == '0'
    failed = subprocess.run([sys.executable, mmcv_ops.__file__],
                            capture_output=True, text=True,
                            env={**env, 'MMINTERN_CUDA_OPS': '1'})
    assert failed.returncode == 2 and failed.stdout == ''
    assert 'set TORCH_CUDA_ARCH_LIST' in failed.stderr
