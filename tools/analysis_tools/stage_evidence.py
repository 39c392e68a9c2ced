"""What each INTERN stage adds: GV-B mini suite scores of every stage's
backbone against the same backbone from random initialisation.

Reads the stage checkpoints that ``tools/intern_pipeline.py`` left in
``--pipeline-dir`` (one folder per stage config, each naming its final
checkpoint in ``last_checkpoint``) and runs ``tools/gvb.py`` on each with
the fast linear probe, at ``--percentage`` of the training data, once per
``--seeds`` value (``tools/gvb.py --seeds``: which images make up the
percentage). The
data is the GV-B mini suite (``mmintern.gvb.mini_suite``: real images that
no stage trains on), written to ``--gvb-root`` when missing.

The rows and their baselines:

* MetaNet-B1 from random init, then the same MetaNet-B1 with the weights of
  Up-A-G (DeCLIP's image encoder), Up-A-L and each Up-E expert;
* the Up-G generalist (trunk + three expert branches) from random init, and
  with the Up-G stage's weights.

By default images are 64 px (``tools/gvb.py --quick``, which for the fast
probe changes only the image size), the size every stage trained at; pass
``--full-size`` for the GV-B protocol's 224 px.

Example:
    python tools/intern_pipeline.py configs/intern/up-a-g_*.py ... \\
        --work-dir work_dirs/intern
    python tools/analysis_tools/stage_evidence.py \\
        --pipeline-dir work_dirs/intern --seeds 0 1 2
"""
import argparse
import json
import os
import os.path as osp
import subprocess
import sys
from typing import Dict, List, Optional

from mmintern.gvb.mini_suite import write_mini_suite
from mmintern.utils import mean_std

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
GVB = osp.join(REPO, 'tools', 'gvb.py')
SPECS = osp.join(REPO, 'configs', 'gvb', 'backbones')
STAGES = osp.join(REPO, 'configs', 'intern')

# (row, backbone spec, stage config or None for random init, key prefix,
# the row it is compared with).
ROWS = (
    ('MetaNet-B1, random init', 'metanet-b1.py', None, None, None),
    ('MetaNet-B1 <- Up-A-G (DeCLIP)', 'metanet-b1.py',
     'up-a-g_declip_metanet-b1_flickr8k.py', 'image_encoder.', 0),
    ('MetaNet-B1 <- Up-A-L', 'metanet-b1.py',
     'up-a-l_metanet-b1_flickr8k.py', 'backbone.', 0),
    ('MetaNet-B1 <- Up-E(C)', 'metanet-b1.py',
     'up-e-c_metanet-b1_cifar10.py', 'backbone.', 0),
    ('MetaNet-B1 <- Up-E(D)', 'metanet-b1.py',
     'up-e-d_metanet-b1_raccoon-shapes.py', 'backbone.', 0),
    ('MetaNet-B1 <- Up-E(S)', 'metanet-b1.py',
     'up-e-s_metanet-b1_camvid-shapes.py', 'backbone.', 0),
    ('Up-G generalist, random init', 'up-g_metanet-b1.py', None, None, None),
    ('Up-G generalist <- all stages', 'up-g_metanet-b1.py',
     'up-g_metanet-b1_multitask.py', 'backbone.', 6),
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--pipeline-dir', default='work_dirs/intern',
                        help='the --work-dir of tools/intern_pipeline.py')
    parser.add_argument('--data-root', default='../shared/data',
                        help='the folder of the real data extracts')
    parser.add_argument('--gvb-root', default='data/gvb_mini',
                        help='where the GV-B mini suite is (written if '
                        'missing)')
    parser.add_argument('--datasets', nargs='+', default=['cifar10'])
    parser.add_argument('--percentage', type=float, default=10.)
    parser.add_argument('--seeds', type=int, nargs='+', default=[0])
    parser.add_argument('--full-size', action='store_true',
                        help='224 px (the GV-B protocol) instead of 64 px')
    parser.add_argument('--work-dir', default='work_dirs/stage_evidence')
    return parser.parse_args(argv)


def row_key(index: int) -> str:
    return f'row{index}'


def last_checkpoint(pipeline_dir: str, stage: str) -> str:
    """The checkpoint a stage ended with: mmengine's CheckpointHook names
    it in ``<work dir>/last_checkpoint`` (so any budget given to
    tools/intern_pipeline.py --cfg-options is found)."""
    pointer = osp.join(pipeline_dir, osp.splitext(stage)[0],
                       'last_checkpoint')
    if not osp.isfile(pointer):
        raise FileNotFoundError(
            f'{pointer} does not exist: run the stage {stage} with '
            f'tools/intern_pipeline.py --work-dir {pipeline_dir}')
    with open(pointer) as f:
        path = f.read().strip()
    if not osp.isfile(path):
        raise FileNotFoundError(f'{pointer} names {path}, which does not '
                                'exist')
    return path


def run_gvb(spec: str, checkpoint: Optional[str], prefix: Optional[str],
            seed: int, work_dir: str, args) -> Dict[str, float]:
    """One tools/gvb.py run; returns ``{dataset: main metric}``."""
    # Always run: tools/gvb.py skips what its work dir has done, and
    # refuses a work dir of another backbone or checkpoint.
    cmd = [sys.executable, GVB, spec, '--datasets', *args.datasets,
           '--percentage', str(args.percentage), '--seeds', str(seed),
           '--data-root', args.gvb_root, '--work-dir', work_dir]
    if not args.full_size:
        cmd.append('--quick')
    if checkpoint is not None:
        cmd += ['--checkpoint', checkpoint, '--checkpoint-prefix', prefix]
    print(' '.join(cmd), flush=True)
    if subprocess.call(cmd) != 0:
        raise RuntimeError(f'tools/gvb.py failed for {spec} ({checkpoint}), '
                           f'see {work_dir}')
    results = osp.join(work_dir, 'gvb_results.json')
    with open(results) as f:
        section = json.load(f)['percentages'][f'{args.percentage:g}']
    return {row['dataset']: next(iter(row['metrics'].values()))
            for row in section['table']['rows']}


def main(argv=None) -> int:
    args = parse_args(argv)
    write_mini_suite(args.data_root, args.gvb_root, args.datasets)
    checkpoints = [None if stage is None else
                   last_checkpoint(args.pipeline_dir, stage)
                   for _, _, stage, _, _ in ROWS]
    scores: List[Dict[str, List[float]]] = []
    for i, (_, spec, _, prefix, _) in enumerate(ROWS):
        per_dataset: Dict[str, List[float]] = {}
        for seed in args.seeds:
            work_dir = osp.join(args.work_dir, row_key(i), f'seed{seed}')
            for name, value in run_gvb(osp.join(SPECS, spec), checkpoints[i],
                                       prefix, seed, work_dir, args).items():
                per_dataset.setdefault(name, []).append(value)
        scores.append(per_dataset)

    size = '224 px' if args.full_size else '64 px'
    lines = [f'GV-B mini suite at {args.percentage:g}% ({size}, fast linear '
             f'probe; mean ± std over split seeds {args.seeds}; Δ: against '
             'the random init of the same backbone, paired by seed)', '']
    header = ['backbone', 'checkpoint'] + [
        f'{name} {part}' for name in args.datasets for part in ('', 'Δ')]
    lines.append('| ' + ' | '.join(h.strip() for h in header) + ' |')
    lines.append('|' + '---|' * len(header))
    summary = []
    for i, (title, _, _, _, base) in enumerate(ROWS):
        cells = [title, osp.relpath(checkpoints[i]) if checkpoints[i]
                 else '-']
        for name in args.datasets:
            values = scores[i][name]
            cells.append(mean_std(values, digits=2))
            if base is None:
                cells.append('-')
            else:
                # Paired by seed: both rows probe the same images.
                deltas = [v - b for v, b in zip(values, scores[base][name])]
                cells.append(mean_std(deltas, digits=2, signed=True))
        lines.append('| ' + ' | '.join(cells) + ' |')
        summary.append(dict(row=title, checkpoint=checkpoints[i],
                            baseline=None if base is None else ROWS[base][0],
                            scores=scores[i]))
    text = '\n'.join(lines)
    print(text)
    os.makedirs(args.work_dir, exist_ok=True)
    with open(osp.join(args.work_dir, 'stage_evidence.md'), 'w') as f:
        f.write(text + '\n')
    with open(osp.join(args.work_dir, 'stage_evidence.json'), 'w') as f:
        json.dump(dict(percentage=args.percentage, seeds=args.seeds,
                       image_size=size, rows=summary), f, indent=2)
    return 0


if __name__ == '__main__':
    sys.exit(main())
