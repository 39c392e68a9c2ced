"""What tools/train.py and tools/test.py share."""
import argparse
import os
import os.path as osp

import torch
import torch.distributed as dist
from mmengine.config import Config, DictAction


def usable_cores() -> int:
    """The cores this process may run on (its affinity, where the OS has
    one: a container or ``taskset`` may give fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments every OpenMMLab tool takes, after the tool's own."""
    parser.add_argument('--work-dir', help='where to save logs and results')
    parser.add_argument('--amp', action='store_true',
                        help='automatic mixed precision')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, e.g. model.backbone.arch=b1')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'])
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def parse_tool_args(parser: argparse.ArgumentParser) -> argparse.Namespace:
    add_common_arguments(parser)
    args = parser.parse_args()
    # torch.distributed.launch passes --local-rank, torchrun sets the env.
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


# Config fields that dataset paths are built from when the config is
# parsed: setting one with --cfg-options moves those paths with it
# (reencoded_root: MF's re-encoded copy of the GV-B data, configs/mf/).
ROOT_KEYS = ('gvb_root', 'data_root', 'reencoded_root')


def merge_cfg_options(cfg: Config, options: dict) -> Config:
    """``cfg.merge_from_dict(options)``, and a new data root moves the paths
    built from the old one (``--cfg-options gvb_root=/data/gvb`` moves every
    GV-B dataset; see :func:`~mmintern.utils.data_root.rebase_paths`)."""
    from mmintern.utils.data_root import rebase_paths
    # Before the merge, so that the options' own values (a new root inside
    # the old one, an explicit path) are taken as given.
    for key in ROOT_KEYS:
        if isinstance(options.get(key), str) and \
                isinstance(cfg.get(key), str):
            rebase_paths(cfg, cfg[key], options[key])
    cfg.merge_from_dict(options)
    return cfg


def apply_common_options(cfg: Config, args) -> Config:
    """``--launcher``, ``--cfg-options`` and ``--work-dir`` (default:
    ``work_dirs/<config name>``), as every OpenMMLab tool applies them."""
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        merge_cfg_options(cfg, args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    return cfg


def init_cpu_distributed(cfg: Config) -> None:
    """Let torchrun jobs run on CPU-only machines (gloo backend).

    mmengine's ``init_dist`` calls ``torch.cuda.set_device`` first and its
    default DDP wrapper passes ``device_ids=[LOCAL_RANK]``; both fail without
    a GPU. We start the gloo group ourselves (the Runner skips its own when a
    group exists) and wrap without device ids.
    """
    if cfg.launcher != 'pytorch' or torch.cuda.is_available():
        return
    if not dist.is_initialized():
        dist.init_process_group(backend='gloo')
        print(f'gloo process group on CPU: rank {dist.get_rank()} of '
              f'{dist.get_world_size()}', flush=True)
    if cfg.get('model_wrapper_cfg') is None:
        cfg.model_wrapper_cfg = dict(
            type='MMDistributedDataParallel',
            device_ids=None,  # CPU modules take none
            broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False))


def close_distributed() -> None:
    """Tear the process group down before the interpreter exits.

    Left to interpreter shutdown, gloo's worker threads can outlive it and
    the process aborts ("terminate called without an active exception")
    after a run that itself succeeded.
    """
    if dist.is_available() and dist.is_initialized():
        dist.barrier()  # no rank tears down while another still talks
        dist.destroy_process_group()
