"""Print how a dataset's classes map onto the GV-D concept graph.

Each class: its concept (WordNet id or ``mmintern:`` addition), the match
kind (``mmintern.datasets.label_system.mapping``) and the path from the
root to the concept (along first parents). ``--summary``: per dataset the
classes, concepts and match kinds, and the share of each GV-B dataset's
classes whose concept another GV-B dataset also has.

Usage::

    python tools/dataset_converters/print_label_mapping.py voc
    python tools/dataset_converters/print_label_mapping.py coco --other voc
    python tools/dataset_converters/print_label_mapping.py --summary
"""
import argparse
import os.path as osp
import sys

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from mmintern.datasets.label_system import (  # noqa: E402
    SUPPORTED_DATASETS, load_concept_graph, map_dataset, shared_concepts)


def print_mapping(name, graph):
    mapping = map_dataset(name, graph)
    width = max([len(m.name) for m in mapping.matches] + [5])
    print(f'{"index":>5}  {"class":<{width}}  {"concept":<28}  '
          f'{"kind":<9}  path')
    for m in mapping.matches:
        cid = m.concept_id or '-'
        path = ' > '.join(graph.path(m.concept_id)) if m.concept_id else ''
        print(f'{m.index:>5}  {m.name:<{width}}  {cid:<28}  {m.kind:<9}  '
              f'{path}')
    counts = mapping.counts()
    print(f'\n{name}: {len(mapping)} classes, ' +
          ', '.join(f'{k} {v}' for k, v in counts.items()))
    print(f'unmatched ({len(mapping.unmatched)}): {mapping.unmatched}')
    return mapping


def summary(graph) -> None:
    from mmintern.gvb.evaluation import gvb_datasets
    print(f'{len(graph)} concepts ({len(graph.additions)} of them not in '
          'WordNet)')
    mappings = {name: map_dataset(name, graph) for name in SUPPORTED_DATASETS}
    gvb = [name for name in mappings if name in gvb_datasets()]
    print(f'{"dataset":<12} {"classes":>7} {"concepts":>8}  '
          f'{"exact":>5} {"synonym":>7} {"parent":>6} {"unmatched":>9}  '
          'shared with GV-B')
    shared_total = classes_total = 0
    for name, mapping in mappings.items():
        concepts = {m.concept_id for m in mapping.matched}
        counts = mapping.counts()
        line = (f'{name:<12} {len(mapping):>7} {len(concepts):>8}  '
                f'{counts["exact"]:>5} {counts["synonym"]:>7} '
                f'{counts["parent"]:>6} {counts["unmatched"]:>9}')
        if name in gvb:
            others = set().union(*({m.concept_id for m in mappings[o].matched}
                                   for o in gvb if o != name))
            shared = sum(m.concept_id in others for m in mapping.matched)
            shared_total += shared
            classes_total += len(mapping)
            share = 100 * shared / len(mapping)
            line += f'  {shared}/{len(mapping)} ({share:.0f}%)'
        print(line)
    share = 100 * shared_total / classes_total
    print(f'GV-B ({len(gvb)} datasets with class lists): {shared_total} of '
          f'{classes_total} classes ({share:.1f}%) share their concept with '
          'another GV-B dataset')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('dataset', nargs='?', choices=SUPPORTED_DATASETS)
    parser.add_argument('--other', choices=SUPPORTED_DATASETS,
                        help='also list the concepts shared with this one')
    parser.add_argument('--graph', help='a concept graph file (default: the '
                        'shipped gvd_concepts.json.gz)')
    parser.add_argument('--summary', action='store_true',
                        help='counts per supported dataset, and what GV-B '
                        'shares')
    args = parser.parse_args(argv)
    graph = load_concept_graph(args.graph)
    if args.summary:
        summary(graph)
        return 0
    if args.dataset is None:
        parser.error('give a dataset or --summary')
    mapping = print_mapping(args.dataset, graph)
    if args.other:
        other = map_dataset(args.other, graph)
        shared = shared_concepts(mapping, other)
        print(f'\nconcepts shared by {args.dataset} and {args.other} '
              f'({len(shared)}):')
        for cid in shared:
            print(f'{cid:<28}  {graph[cid].name}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
