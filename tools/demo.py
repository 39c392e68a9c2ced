"""The embedded demo: train and evaluate a MetaNet detector on CPU.

1. writes the synthetic shapes dataset to data/demo/shapes (once);
2. trains Faster R-CNN + FPN with MetaNet-B1 with tools/train.py
   (``--resume``: a finished run is not trained again);
3. evaluates the last checkpoint with tools/test.py;
4. prints the metric table and where the checkpoint and logs are;
5. the GV-B mini table (tools/analysis_tools/gvb_mini_table.py, one seed):
   real data of every task (CIFAR-10, raccoon detection, CamVid
   segmentation, 7-Scenes depth, from ../shared/data) at 10%, on
   EfficientNet-Lite0 with its real ImageNet weights, MetaNet-B1 from random
   init and, when tools/intern_demo.py has trained the stages, the Up-G
   MetaNet-B1 generalist.

The mini table runs beside steps 2-4 (its log in ``<work dir>/gvb_mini.log``),
each on half the cores: on 2 cores two one-thread jobs finish sooner than
two two-thread jobs one after the other, as these small models do not
scale to a second thread.

When ``make distill`` has written a MetaNet-B1 distilled from
EfficientNet-Lite0 (``checkpoints/metanet-b1_distilled.pth``), the detector
starts from it (work dir ``work_dirs/demo_distilled_<its sha256 prefix>``)
and the mini table gets its row; ``--from-scratch`` ignores it.

Delete the work dir to train again.
"""
import argparse
import glob
import json
import os
import os.path as osp
import signal
import subprocess
import sys

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG = 'configs/demo/faster-rcnn_metanet-b1_fpn_shapes.py'
DATA_ROOT = osp.join(ROOT, 'data/demo/shapes')  # the config's data_root
MINI_TABLE = 'tools/analysis_tools/gvb_mini_table.py'
# What `make distill` writes (configs/distill/, exported backbone.*).
DISTILLED = 'checkpoints/metanet-b1_distilled.pth'


def run(*args: str, env: dict) -> None:
    print('+', ' '.join(args), flush=True)
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default=None,
                        help='default: work_dirs/demo, or work_dirs/'
                        'demo_distilled_<sha256 prefix> from the distilled '
                        'backbone')
    parser.add_argument('--from-scratch', action='store_true',
                        help=f'ignore {DISTILLED}')
    args = parser.parse_args()
    distilled = not args.from_scratch and osp.isfile(osp.join(ROOT,
                                                              DISTILLED))
    if args.work_dir is None and distilled:
        # Named by the weights: a finished detector of other distilled
        # weights must not be taken for this one.
        from mmintern.gvb.provenance import checkpoint_identity
        digest = checkpoint_identity(osp.join(ROOT, DISTILLED))
        args.work_dir = f'work_dirs/demo_distilled_{digest[7:15]}'
    args.work_dir = args.work_dir or 'work_dirs/demo'
    options = []
    if distilled:
        print(f'backbone: MetaNet-B1 distilled from EfficientNet-Lite0 '
              f'({DISTILLED})')
        # _delete_: the config's init_cfg is None, which a dict cannot
        # merge into.
        options = ['--cfg-options', 'model.backbone.init_cfg._delete_=True',
                   'model.backbone.init_cfg.type=Pretrained',
                   f'model.backbone.init_cfg.checkpoint={DISTILLED}',
                   'model.backbone.init_cfg.prefix=backbone.']

    from mmintern.datasets import write_shapes_coco
    from mmintern.utils.cli import usable_cores
    # The detector and the mini table each get half the cores.
    threads = str(max(1, usable_cores() // 2))
    env = {**os.environ, 'OMP_NUM_THREADS': threads,
           'MKL_NUM_THREADS': threads}
    if not osp.isfile(osp.join(DATA_ROOT, 'annotations', 'val.json')):
        print(f'writing the synthetic shapes dataset to {DATA_ROOT}')
        write_shapes_coco(DATA_ROOT)

    work_dir = osp.join(ROOT, args.work_dir)
    os.makedirs(work_dir, exist_ok=True)
    extra = ['--extra', 'MetaNet-B1 <- Lite0 distilled',
             'configs/gvb/backbones/metanet-b1.py', DISTILLED] \
        if distilled else []
    mini_command = [sys.executable, MINI_TABLE, '--work-dir',
                    osp.join(args.work_dir, 'gvb_mini'), '--jobs', '1',
                    '--threads', threads, *extra]
    mini_log = osp.join(work_dir, 'gvb_mini.log')
    print('+', ' '.join(mini_command[1:]), f' (beside the detector, log: '
          f'{mini_log})', flush=True)
    with open(mini_log, 'w') as out:
        # Its own process group: a failed detector stops the table and the
        # tools/gvb.py runs it started.
        mini = subprocess.Popen(mini_command, cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        detector(args.work_dir, options, env)
    except BaseException:
        os.killpg(mini.pid, signal.SIGTERM)
        mini.wait()
        raise
    print('\nGV-B mini table (real data and weights, CPU-sized schedules)',
          flush=True)
    code = mini.wait()
    with open(mini_log) as f:
        print(f.read())
    if code:
        sys.exit(f'the GV-B mini table failed (exit {code}), see {mini_log}')


def detector(work: str, options: list, env: dict) -> None:
    """Steps 2-4: train, test, print."""
    work_dir = osp.join(ROOT, work)
    run('tools/train.py', CONFIG, '--work-dir', work, '--resume', *options,
        env=env)
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        checkpoint = f.read().strip()
    metrics_file = osp.join(work_dir, 'test_metrics.json')
    run('tools/test.py', CONFIG, checkpoint, '--work-dir', work,
        '--out', metrics_file, env=env)

    with open(metrics_file) as f:
        metrics = json.load(f)
    print('\nMetaNet-B1 Faster R-CNN on synthetic shapes (val, 100 images)')
    print('| metric | value |\n|---|---|')
    for name, value in metrics.items():
        print(f'| {name} | {value:.3f} |')
    print(f'\ncheckpoint: {checkpoint}')
    logs = sorted(glob.glob(osp.join(work_dir, '2*[0-9]')))
    print(f'logs:       {logs[-1] if logs else work_dir}')


if __name__ == '__main__':
    main()
