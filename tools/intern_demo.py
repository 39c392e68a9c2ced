"""The INTERN stage pipeline at tiny scale, on CPU (``make intern-demo``).

1. writes the synthetic shapes data that Up-E(D) and Up-E(S) train on
   besides the real extracts (data/intern, once);
2. runs tools/intern_pipeline.py over the six stage configs of
   configs/intern: Up-A-G (DeCLIP) -> Up-A-L -> Up-E(C), Up-E(D), Up-E(S)
   (each from Up-A-L) -> Up-G (trunk from Up-A-L, one expert branch from
   each Up-E), then hands the Up-G generalist to GV-B (CIFAR-10 of the GV-B
   mini suite at 10%, 64 px, fast linear probe);
3. with ``--evidence``, runs tools/analysis_tools/stage_evidence.py: every
   stage's backbone against the same backbone from random init.

``--from-distilled`` starts Up-A-G's image encoder at the MetaNet-B1 that
``make distill`` writes (configs/intern/up-a-g_declip_metanet-b1-distilled_
flickr8k.py); the later stages follow from it as usual, in their own work
dir (``work_dirs/intern_demo_distilled``: the finished stages of a plain
run must not be taken for these).

Every stage config is a 20-iteration schedule: the demo shows the stages
chained end to end, its numbers are not pre-training results. ``--iters N``
gives every stage N iterations instead (use another ``--work-dir`` per
budget). Finished stages are skipped on a re-run; delete the work dir to
start again.
"""
import argparse
import os
import os.path as osp
import subprocess
import sys

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
STAGES = (
    'up-a-g_declip_metanet-b1_flickr8k.py',
    'up-a-l_metanet-b1_flickr8k.py',
    'up-e-c_metanet-b1_cifar10.py',
    'up-e-d_metanet-b1_raccoon-shapes.py',
    'up-e-s_metanet-b1_camvid-shapes.py',
    'up-g_metanet-b1_multitask.py',
)
# The first stage with the distilled image encoder, and what it loads.
DISTILLED_STAGE = 'up-a-g_declip_metanet-b1-distilled_flickr8k.py'
DISTILLED = 'checkpoints/metanet-b1_distilled.pth'
GVB_SPEC = 'configs/gvb/backbones/up-g_metanet-b1.py'
# The configs' defaults for the synthetic data ($INTERN_SHAPES_ROOT,
# $INTERN_SHAPES_SEG_ROOT), relative to the repository root.
SHAPES_ROOT = 'data/intern/shapes'
SHAPES_SEG_ROOT = 'data/intern/shapes_seg'
GVB_ROOT = 'data/gvb_mini'


def run(*args: str) -> None:
    print('+', ' '.join(args), flush=True)
    subprocess.run([sys.executable, *args], cwd=ROOT, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', help='default: work_dirs/intern_demo'
                        ', or work_dirs/intern_demo_distilled')
    parser.add_argument('--iters', type=int,
                        help='iterations of every stage (default: the '
                        "configs' 20)")
    parser.add_argument('--seeds', type=int, nargs='+', default=[0],
                        help='GV-B split seeds of the evidence run')
    parser.add_argument('--evidence', action='store_true',
                        help='also compare every stage with random init')
    parser.add_argument('--from-distilled', action='store_true',
                        help=f'start Up-A-G\'s image encoder at {DISTILLED} '
                        '(make distill)')
    args = parser.parse_args()
    stages = list(STAGES)
    if args.from_distilled:
        if not osp.isfile(osp.join(ROOT, DISTILLED)):
            parser.error(f'--from-distilled: no {DISTILLED} (make distill '
                         'writes it)')
        stages[0] = DISTILLED_STAGE
    args.work_dir = args.work_dir or ('work_dirs/intern_demo_distilled'
                                      if args.from_distilled else
                                      'work_dirs/intern_demo')

    from mmintern.datasets import write_shapes_coco, write_shapes_seg
    from mmintern.engine.stage_pipeline import budget_options
    from mmintern.gvb.mini_suite import write_mini_suite
    from mmintern.utils import shared_data_root
    shapes = osp.join(ROOT, SHAPES_ROOT)
    if not osp.isfile(osp.join(shapes, 'annotations', 'train.json')):
        print(f'writing synthetic shapes (detection) to {shapes}')
        write_shapes_coco(shapes, dict(train=64, val=16), seed=0)
    shapes_seg = osp.join(ROOT, SHAPES_SEG_ROOT)
    if not osp.isdir(shapes_seg):
        print(f'writing synthetic shapes (segmentation) to {shapes_seg}')
        write_shapes_seg(shapes_seg, dict(train=64, val=16), seed=0)
    # The stages (subprocesses) read the extracts from $INTERN_DATA_ROOT.
    os.environ['INTERN_DATA_ROOT'] = shared_data_root()
    write_mini_suite(shared_data_root(), osp.join(ROOT, GVB_ROOT), ['cifar10'])

    stages = [osp.join('configs', 'intern', s) for s in stages]
    gvb_args = (f'--quick --datasets cifar10 --percentage 10 --data-root '
                f'{GVB_ROOT} --work-dir {args.work_dir}/gvb')
    budget = []
    if args.iters is not None:
        budget = ['--cfg-options', *budget_options(args.iters)]
    run('tools/intern_pipeline.py', *stages, '--work-dir', args.work_dir,
        '--gvb-spec', GVB_SPEC, '--gvb-args', gvb_args, *budget)
    with open(osp.join(ROOT, args.work_dir, 'gvb', 'gvb_table.md')) as f:
        print('\nGV-B mini run of the Up-G generalist\n' + f.read())
    if args.evidence:
        run('tools/analysis_tools/stage_evidence.py', '--pipeline-dir',
            args.work_dir, '--gvb-root', GVB_ROOT, '--work-dir',
            osp.join(args.work_dir, 'stage_evidence'), '--seeds',
            *map(str, args.seeds))


if __name__ == '__main__':
    main()
