"""Search MetaNet's space for an architecture: a searcher, a reward, a budget.

The config names the space (``space``: ``MetaNetSpace`` arguments, empty for
MetaNet-B1's neighbourhood), the searcher (``searcher``: a SEARCHERS type),
the reward (``reward``: a REWARDS type) and ``budget``, the number of
evaluated candidates. Every candidate is appended to
``<work dir>/candidates.jsonl``; run the same command again to resume a
killed search (it replays the log and goes on). At the end the best
candidate is written out as ``best.json``, as a MetaNet config,
``metanet-searched.py``, that mmpretrain / mmdet / mmseg configs use like
``configs/metanet/metanet-b4-dsm_8xb128_in1k.py``, and as a GV-B backbone
spec, ``gvb-backbone.py`` (``tools/gvb.py gvb-backbone.py --checkpoint``).
``--export NAME`` writes the same network into the repository's configs,
where the named MetaNets are (a finished search only replays its log, so
this costs nothing after the search):

- ``configs/metanet/metanet-searched-NAME_8xb128_in1k.py`` (model),
- ``configs/gvb/backbones/metanet-searched-NAME.py`` (GV-B spec),
- ``configs/distill/efficientnet-lite0_to_metanet-searched-NAME_``
  ``tinyimagenet.py`` (MetaNet-B1's distillation recipe with this network
  as the student).

Example:
    python tools/search.py configs/search/ppo_metanet-b1-macs_tinyimagenet.py \
        --seed 0 --work-dir work_dirs/search/ppo_seed0
"""
import argparse
import inspect
import json
import os
import os.path as osp
import sys

from mmengine.config import Config, DictAction

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import mmintern  # noqa: F401,E402
from mmintern.registry import REWARDS, SEARCHERS  # noqa: E402
from mmintern.models.backbones.metanet_arch import MetaNetCfg  # noqa: E402
from mmintern.search import (LOG_NAME, MetaNetSpace, arch_config,  # noqa: E402
                             best_entry, gvb_backbone_spec, run_search)

# The MetaNet config a searched architecture is written onto: the B1
# ImageNet recipe, whose 1280-d head and schedule suit MetaNet-B1-sized
# networks.
BASE_CONFIG = 'configs/metanet/metanet-b1_8xb128_in1k.py'
DISTILL_CONFIG = \
    'configs/distill/efficientnet-lite0_to_metanet-b1_tinyimagenet.py'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('--work-dir', help='default: work_dirs/<config '
                        'name>_seed<seed>')
    parser.add_argument('--seed', type=int, help="the searcher's seed "
                        "(default: the config's searcher.seed, else 0)")
    parser.add_argument('--budget', type=int,
                        help="evaluations (default: the config's budget)")
    parser.add_argument('--export', metavar='NAME',
                        help='write the best network into configs/ as '
                        'metanet-searched-NAME (see above)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    for key in ('searcher', 'reward', 'budget'):
        if key not in cfg:
            raise KeyError(f'{args.config} sets no {key!r} (see '
                           'configs/search/)')
    seed = args.seed if args.seed is not None else cfg.searcher.get('seed', 0)
    budget = args.budget if args.budget is not None else cfg.budget
    name = osp.splitext(osp.basename(args.config))[0]
    work_dir = args.work_dir or osp.join('work_dirs', f'{name}_seed{seed}')
    os.makedirs(work_dir, exist_ok=True)

    space = MetaNetSpace.from_dict(cfg.get('space', {}))
    searcher = SEARCHERS.build(dict(cfg.searcher, space=space, seed=seed))
    reward_cfg = cfg.reward.to_dict()
    accuracy = reward_cfg.get('accuracy')
    # A proxy that trains runs keeps them in the search's work dir unless
    # the config names a folder (one shared by several searches reuses the
    # runs of the architectures they have in common).
    if isinstance(accuracy, dict) and 'work_dir' in inspect.signature(
            REWARDS.get(accuracy['type'])).parameters:
        accuracy.setdefault('work_dir', osp.join(work_dir, 'candidates'))
    reward = REWARDS.build(reward_cfg)
    with open(osp.join(work_dir, 'search.json'), 'w') as f:
        json.dump(dict(config=args.config, searcher=cfg.searcher.type,
                       seed=seed, budget=budget, reward=reward_cfg,
                       space_size=space.size), f, indent=2)
    print(f'[search] {cfg.searcher.type} seed {seed}: {budget} evaluations '
          f'in a space of {space.size:,} networks; log '
          f'{osp.join(work_dir, LOG_NAME)}')

    entries = run_search(space, searcher, reward, budget, work_dir)
    best = best_entry(entries)
    with open(osp.join(work_dir, 'best.json'), 'w') as f:
        json.dump(best, f, indent=2)
    arch = MetaNetCfg.from_dict(best['arch'])
    config = osp.join(work_dir, 'metanet-searched.py')
    with open(config, 'w') as f:
        f.write(arch_config(
            osp.join(ROOT, BASE_CONFIG), arch,
            '# Found by tools/search.py; used like the named MetaNets.\n'))
    with open(osp.join(work_dir, 'gvb-backbone.py'), 'w') as f:
        f.write(gvb_backbone_spec(
            arch, '# Found by tools/search.py; a GV-B backbone spec.\n'))
    if args.export:
        export(arch, args.export, f'# Found by tools/search.py {args.config}'
               f' --seed {seed} --budget {budget}: proposal '
               f'{best["step"] + 1}, reward {best["reward"]:.4f}.\n')
    print(f'[search] best: step {best["step"] + 1}, reward '
          f'{best["reward"]:.4f}, accuracy {best["accuracy"]}, cost '
          f'{best["cost"]:.4g}; its config: {config}')
    return 0


def export(arch: MetaNetCfg, name: str, header: str) -> None:
    """The three configs of ``--export`` (``_base_`` paths relative, as
    the configs beside them have)."""
    if not name.replace('-', '').replace('_', '').isalnum():
        raise ValueError(f'--export {name!r}: use letters, digits, - and _')
    files = {
        f'configs/metanet/metanet-searched-{name}_8xb128_in1k.py':
        arch_config('./' + osp.basename(BASE_CONFIG), arch, header),
        f'configs/gvb/backbones/metanet-searched-{name}.py':
        gvb_backbone_spec(arch, header),
        f'configs/distill/efficientnet-lite0_to_metanet-searched-{name}_'
        'tinyimagenet.py':
        arch_config('./' + osp.basename(DISTILL_CONFIG), arch, header),
    }
    for path, text in files.items():
        with open(osp.join(ROOT, path), 'w') as f:
            f.write(text)
        print(f'[search] wrote {path}')


if __name__ == '__main__':
    sys.exit(main())
