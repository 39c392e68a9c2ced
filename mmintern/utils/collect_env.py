"""Print the versions of the stack and whether mmcv's compiled ops load.

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


def collect_env() -> dict:
    env = collect_base_env()
    env.pop('PyTorch compiling details', None)  # pages of build flags
    import mmcv
    import mmengine

    import mmintern
    env['MMEngine'] = mmengine.__version__
    env['MMCV'] = mmcv.__version__
    env['MMCV ops'] = mmcv_ops_status()
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
