"""Print the versions of the stack, which mmcv ops are built, and why.

Usage: ``python -m mmintern.utils.collect_env``
"""
from mmengine.utils.dl_utils import collect_env as collect_base_env


def mmcv_ops_status() -> str:
    try:
        import torch
        from mmcv.ops import nms
        boxes = torch.tensor([[0., 0., 10., 10.], [1., 1., 10., 10.]])
        _, keep = nms(boxes, torch.tensor([0.9, 0.8]), iou_threshold=0.5)
        return f'ok (nms kept {keep.tolist()})'
    except Exception as e:  # report, do not crash the report
        return f'NOT available: {type(e).__name__}: {e}'


def mmcv_ops_build() -> str:
    """'CPU-only' or 'CUDA <version>', with the set-up's reason for it."""
    import os.path as osp
    import sys

    from mmcv.ops import get_compiling_cuda_version

    from .mmcv_ops import RECORD
    cuda = get_compiling_cuda_version()  # 'not available' without CUDA ops
    kind = 'CPU-only' if cuda == 'not available' else f'CUDA {cuda}'
    record = osp.join(sys.prefix, RECORD)
    if osp.exists(record):
        with open(record) as f:
            lines = f.read().splitlines()
        why = f'tools/setup_env.sh chose {lines[0]}: {lines[1]}'
    else:
        why = 'not built by tools/setup_env.sh (no record in the venv)'
    return f'{kind} ({why})'


def collect_env() -> dict:
    env = collect_base_env()
    env.pop('PyTorch compiling details', None)  # pages of build flags
    import mmcv
    import mmengine

    import mmintern
    env['MMEngine'] = mmengine.__version__
    env['MMCV'] = mmcv.__version__
    env['MMCV ops'] = mmcv_ops_status()
    try:
        env['MMCV ops build'] = mmcv_ops_build()
    except Exception as e:  # report, do not crash the report
        env['MMCV ops build'] = f'unknown: {type(e).__name__}: {e}'
    for name, module in (('MMPretrain', 'mmpretrain'), ('MMDetection', 'mmdet'),
                         ('MMSegmentation', 'mmseg')):
        try:
            env[name] = __import__(module).__version__
        except Exception as e:
            env[name] = f'NOT importable: {type(e).__name__}: {e}'
    env['MMIntern'] = mmintern.__version__
    return env


if __name__ == '__main__':
    for key, value in collect_env().items():
        print(f'{key}: {value}')
