"""The embedded demo: train and evaluate a MetaNet detector on CPU.

1. writes the synthetic shapes dataset to data/demo/shapes (once);
2. trains Faster R-CNN + FPN with MetaNet-B1 with tools/train.py
   (``--resume``: a finished run is not trained again);
3. evaluates the last checkpoint with tools/test.py;
4. prints the metric table and where the checkpoint and logs are;
5. GV-B mini run: tools/gvb.py --quick with that trained, frozen MetaNet-B1
   on tiny samples of one GV-B dataset per task type (CIFAR-10, VOC07+12,
   VOC2012, NYUv2), written in their real on-disk layouts to data/demo/gvb,
   ending with the GV-B table. It checks that the whole benchmark pipeline
   fits together; its numbers are not benchmark results.

Delete work_dirs/demo to train from scratch again.
"""
import argparse
import glob
import json
import os.path as osp
import subprocess
import sys

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG = 'configs/demo/faster-rcnn_metanet-b1_fpn_shapes.py'
DATA_ROOT = osp.join(ROOT, 'data/demo/shapes')  # the config's data_root
# The spec names work_dirs/demo/iter_300.pth; the run hands it the
# checkpoint it trained instead (--checkpoint), wherever --work-dir put it.
GVB_SPEC = 'configs/gvb/backbones/metanet-b1_demo.py'
GVB_DATASETS = ('cifar10', 'voc0712', 'voc2012', 'nyuv2')


def run(*args: str) -> None:
    print('+', ' '.join(args), flush=True)
    subprocess.run([sys.executable, *args], cwd=ROOT, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/demo')
    args = parser.parse_args()

    from mmintern.datasets import write_shapes_coco
    if not osp.isfile(osp.join(DATA_ROOT, 'annotations', 'val.json')):
        print(f'writing the synthetic shapes dataset to {DATA_ROOT}')
        write_shapes_coco(DATA_ROOT)

    work_dir = osp.join(ROOT, args.work_dir)
    run('tools/train.py', CONFIG, '--work-dir', args.work_dir, '--resume')
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        checkpoint = f.read().strip()
    metrics_file = osp.join(work_dir, 'test_metrics.json')
    run('tools/test.py', CONFIG, checkpoint, '--work-dir', args.work_dir,
        '--out', metrics_file)

    with open(metrics_file) as f:
        metrics = json.load(f)
    print('\nMetaNet-B1 Faster R-CNN on synthetic shapes (val, 100 images)')
    print('| metric | value |\n|---|---|')
    for name, value in metrics.items():
        print(f'| {name} | {value:.3f} |')
    print(f'\ncheckpoint: {checkpoint}')
    logs = sorted(glob.glob(osp.join(work_dir, '2*[0-9]')))
    print(f'logs:       {logs[-1] if logs else work_dir}')

    run_gvb_mini(args.work_dir, checkpoint)


def run_gvb_mini(work_dir: str, checkpoint: str) -> None:
    from mmintern.testing.gvb_samples import write_sample
    gvb_root = osp.join(ROOT, 'data/demo/gvb')
    for name in GVB_DATASETS:
        if not osp.isdir(osp.join(gvb_root, name)):
            write_sample(gvb_root, name)
    gvb_dir = osp.join(work_dir, 'gvb')
    print('\nGV-B mini run (a pipeline check on tiny samples, not a '
          'benchmark)', flush=True)
    run('tools/gvb.py', GVB_SPEC, '--checkpoint', checkpoint,
        '--datasets', *GVB_DATASETS,
        '--percentage', '50', '--data-root', gvb_root, '--work-dir', gvb_dir,
        '--quick')
    with open(osp.join(ROOT, gvb_dir, 'gvb_table.md')) as f:
        print(f.read())


if __name__ == '__main__':
    main()
