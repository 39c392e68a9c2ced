"""Is the searched network better than MetaNet-B1? Both distilled with the
same recipe and budget, on the GV-B mini table, seeds paired.

``NAME`` is what ``tools/search.py --export NAME`` wrote the network as:
its distillation recipe ``configs/distill/efficientnet-lite0_to_
metanet-searched-NAME_tinyimagenet.py`` and GV-B spec
``configs/gvb/backbones/metanet-searched-NAME.py``.

1. distils the searched network (``tools/train.py`` on its recipe,
   resumable) unless its work dir has a last checkpoint;
2. exports its backbone;
3. runs the GV-B mini table with two extra rows, the distilled MetaNet-B1
   (the student ``distill_evidence.py`` exported) and the distilled
   searched network (``--spec``, the GV-B spec ``--export`` writes), in
   the table folder of ``distill_evidence.py``'s work dir, so the rows it
   has run are reused, not run again;
4. prints both networks' MACs and parameters, the distillations' wall
   time, and per dataset both rows and the paired difference searched -
   MetaNet-B1, mean +- std over seeds.

Example (the evidence of the search issue)::

    python tools/analysis_tools/search_evidence.py b1macs \\
        --b1-evidence-dir work_dirs/distill_evidence_lowres --seeds 0 1 2
"""
import argparse
import os.path as osp
import sys
import time

from distill_evidence import METRICS, mean_std, run, seed_metrics
from gvb_mini_table import BACKBONES, run_name

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
B1_SPEC = BACKBONES[1][1]  # the mini table's MetaNet-B1 row
B1_STUDENT = 'metanet-b1_distilled.pth'  # what distill_evidence.py exports


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('name', help='the name tools/search.py --export '
                        'gave the network')
    parser.add_argument('--work-dir', help='default: work_dirs/'
                        'search_evidence_NAME')
    parser.add_argument('--b1-evidence-dir',
                        default='work_dirs/distill_evidence',
                        help="distill_evidence.py's work dir: MetaNet-B1's "
                        'student and the mini table runs')
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2])
    parser.add_argument('--datasets', nargs='+', default=list(METRICS))
    return parser.parse_args(argv)


def complexity(spec_file: str) -> str:
    """MACs at 224 px and parameters of a spec's backbone."""
    from mmintern.gvb.backbone_spec import load_backbone_spec
    from mmintern.models.backbones import MetaNet
    from mmintern.search.rewards import count_macs
    spec = load_backbone_spec(osp.join(ROOT, spec_file))
    model = MetaNet(arch=spec.backbone['arch'],
                    out_indices=(spec.pooled_out_indices, )).eval()
    params = sum(p.numel() for p in model.parameters())
    return (f'{count_macs(model, 224) / 1e9:.3f} GMACs, {params / 1e6:.2f} '
            'M params')


def main(argv=None) -> int:
    args = parse_args(argv)
    b1_student = osp.join(args.b1_evidence_dir, B1_STUDENT)
    if not osp.isfile(osp.join(ROOT, b1_student)):
        raise FileNotFoundError(
            f'no {b1_student}: run tools/analysis_tools/distill_evidence.py '
            f'--work-dir {args.b1_evidence_dir} first (it distils and '
            'exports MetaNet-B1)')
    name = f'metanet-searched-{args.name}'
    config = ('configs/distill/efficientnet-lite0_to_'
              f'{name}_tinyimagenet.py')
    spec = f'configs/gvb/backbones/{name}.py'
    for path in (config, spec):
        if not osp.isfile(osp.join(ROOT, path)):
            raise FileNotFoundError(f'no {path}: tools/search.py CONFIG '
                                    f'--work-dir D --export {args.name} '
                                    'writes it')
    work_dir = args.work_dir or f'work_dirs/search_evidence_{args.name}'
    distill_dir = osp.join(work_dir, 'distill')
    last = osp.join(ROOT, distill_dir, 'last_checkpoint')
    start = time.perf_counter()
    if not osp.isfile(last):
        run('tools/train.py', config, '--work-dir', distill_dir,
            '--resume')
    seconds = time.perf_counter() - start
    with open(last) as f:
        checkpoint = f.read().strip()
    student = osp.join(work_dir, f'{name}_distilled.pth')
    run('tools/model_converters/export_backbone.py', checkpoint, student)

    table_dir = osp.join(args.b1_evidence_dir, 'gvb_mini')
    run('tools/analysis_tools/gvb_mini_table.py', '--work-dir', table_dir,
        '--seeds', *map(str, args.seeds), '--datasets', *args.datasets,
        '--extra', 'MetaNet-B1 <- Lite0 distilled', B1_SPEC, b1_student,
        '--extra', f'{name} <- Lite0 distilled', spec, student,
        '--intern-checkpoint', '')

    print(f'\nMetaNet-B1: {complexity(B1_SPEC)}; {name}: '
          f'{complexity(spec)}')
    print(f'distillation of {name}: {checkpoint}' +
          (f', {seconds:.0f} s in this call' if seconds > 5 else
           ' (reused)'))
    works = dict(b1=run_name(B1_SPEC, b1_student),
                 searched=run_name(spec, student))
    works = {key: osp.join(table_dir, w) for key, w in works.items()}
    print(f'\n| dataset | MetaNet-B1 distilled | {name} distilled | '
          f'{name} - MetaNet-B1 |\n|---|---|---|---|')
    for dataset in args.datasets:
        metric = METRICS[dataset]
        values = {key: seed_metrics(work, dataset, metric)
                  for key, work in works.items()}
        seeds = sorted(set(values['b1']) & set(values['searched']))
        if not seeds:
            print(f'| {dataset} | no common seeds |')
            continue
        cells = [mean_std(values[k][s] for s in seeds).lstrip('+')
                 for k in ('b1', 'searched')]
        cells.append(mean_std(values['searched'][s] - values['b1'][s]
                              for s in seeds))
        print(f'| {dataset} {metric} | ' + ' | '.join(cells) + ' |')
    print(f'\n(mean ± std over seeds {args.seeds}, the difference paired by '
          'seed; RMSE: lower is better)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
