"""Print how a dataset's classes map onto the GV-D taxonomy.

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
    SUPPORTED_DATASETS, load_taxonomy, map_dataset, shared_concepts)


def print_mapping(name, taxonomy):
    mapping = map_dataset(name, taxonomy)
    width = max([len(m.name) for m in mapping.matches] + [5])
    print(f'{"index":>5}  {"class":<{width}}  {"id":>6}  {"kind":<9}  '
          'concept')
    for m in mapping.matches:
        cid = '-' if m.concept_id is None else m.concept_id
        print(f'{m.index:>5}  {m.name:<{width}}  {cid:>6}  {m.kind:<9}  '
              f'{m.concept_name or ""}')
    counts = mapping.counts()
    print(f'\n{name}: {len(mapping)} classes, ' +
          ', '.join(f'{k} {v}' for k, v in counts.items()))
    print(f'unmatched ({len(mapping.unmatched)}): {mapping.unmatched}')
    return mapping


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('dataset', nargs='?', choices=SUPPORTED_DATASETS)
    parser.add_argument('--other', choices=SUPPORTED_DATASETS,
                        help='also list the concepts shared with this one')
    parser.add_argument('--taxonomy', help='a taxonomy JSON (default: the '
                        'shipped gvd_taxonomy.json)')
    parser.add_argument('--summary', action='store_true',
                        help='one line of counts per supported dataset')
    args = parser.parse_args(argv)
    taxonomy = load_taxonomy(args.taxonomy)
    if args.summary:
        print(f'{len(taxonomy)} concepts')
        for name in SUPPORTED_DATASETS:
            mapping = map_dataset(name, taxonomy)
            counts = mapping.counts()
            print(f'{name:<12} {len(mapping):>5} classes  ' + '  '.join(
                f'{k} {v:>4}' for k, v in counts.items()))
        return 0
    if args.dataset is None:
        parser.error('give a dataset or --summary')
    mapping = print_mapping(args.dataset, taxonomy)
    if args.other:
        other = map_dataset(args.other, taxonomy)
        shared = shared_concepts(mapping, other)
        print(f'\nconcepts shared by {args.dataset} and {args.other} '
              f'({len(shared)}):')
        for cid in shared:
            print(f'{cid:>6}  {taxonomy[cid].name}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
