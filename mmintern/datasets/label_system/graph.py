"""The GV-D concept graph of INTERN's label system, on WordNet.

INTERN (https://arxiv.org/abs/2111.08687) pretrains on GV-D, a union of
datasets whose labels are mapped onto one label system: a hierarchy of
concepts with synonyms, drawn from WordNet and other sources. Here the
concepts are WordNet 3.0's 82,115 noun synsets, keyed by their WordNet ids
(``n02084071``: ``'n'`` and the synset's offset in ``data.noun``, the ids
ImageNet uses), with hypernym edges (a DAG: a noun may have two parents),
plus the concepts WordNet lacks, keyed ``mmintern:<dataset>/<name>``, each
under WordNet parents.

:class:`ConceptGraph` loads ``gvd_concepts.json.gz`` (package data that
``tools/setup_env.sh`` builds at install with
``tools/dataset_converters/build_gvd_taxonomy.py`` from WordNet's files;
generated, not kept in git). At run time no WordNet package is needed.
WordNet's licence is ``WORDNET_LICENSE`` beside the data file.
"""
import gzip
import json
import os.path as osp
import re
from dataclasses import dataclass
from typing import Dict, Iterable, Iterator, List, Optional, Set, Tuple

DEFAULT_GRAPH_FILE = osp.join(osp.dirname(__file__), 'gvd_concepts.json.gz')
FORMAT = 'mmintern-gvd-concepts/1'


def normalize_name(name: str) -> str:
    """Normalise a class or lemma: lowercase, underscores and hyphens to
    spaces, runs of spaces collapsed, stripped."""
    name = name.lower().replace('_', ' ').replace('-', ' ')
    return re.sub(r'\s+', ' ', name).strip()


@dataclass(frozen=True)
class Concept:
    """One concept: its id, its lemmas (the first is its name, the rest
    synonyms), the ids of its parents, WordNet's gloss, and for each lemma
    the sense number WordNet gives this concept among the lemma's senses
    (1 = the most frequent; 0 for an addition's own names)."""
    id: str
    lemmas: Tuple[str, ...]
    parents: Tuple[str, ...] = ()
    gloss: str = ''
    senses: Tuple[int, ...] = ()

    def __post_init__(self):
        if not self.lemmas:
            raise ValueError(f'concept {self.id} has no lemma')
        if not self.senses:  # an addition's own names
            object.__setattr__(self, 'senses', (0, ) * len(self.lemmas))
        if len(self.senses) != len(self.lemmas):
            raise ValueError(f'concept {self.id}: {len(self.lemmas)} lemmas '
                             f'but {len(self.senses)} sense numbers')

    @property
    def name(self) -> str:
        return self.lemmas[0]

    @property
    def synonyms(self) -> Tuple[str, ...]:
        return self.lemmas[1:]

    @property
    def is_wordnet(self) -> bool:
        return not self.id.startswith('mmintern:')

    def to_row(self) -> list:
        return [self.id, [[lemma, sense] for lemma, sense in
                          zip(self.lemmas, self.senses)],
                list(self.parents), self.gloss]

    @classmethod
    def from_row(cls, row) -> 'Concept':
        cid, lemmas, parents, gloss = row
        return cls(cid, tuple(lemma for lemma, _ in lemmas), tuple(parents),
                   gloss, tuple(sense for _, sense in lemmas))


class ConceptGraph:
    """Concepts with hypernym edges (a DAG with one root) and lemma
    look-ups.

    Args:
        concepts (Iterable[Concept]): The concepts.
        validate (bool): Check that every parent exists, that there is one
            root and that there is no cycle. Defaults to True.
    """

    def __init__(self, concepts: Iterable[Concept], validate: bool = True):
        self._concepts: Dict[str, Concept] = {}
        for concept in concepts:
            if concept.id in self._concepts:
                raise ValueError(f'duplicate concept id {concept.id}')
            self._concepts[concept.id] = concept
        self._children: Dict[str, List[str]] = {}
        # normalised lemma -> [(sense, id)], sorted: WordNet's sense order
        self._by_lemma: Dict[str, List[Tuple[int, str]]] = {}
        for cid in sorted(self._concepts):
            concept = self._concepts[cid]
            for parent in concept.parents:
                self._children.setdefault(parent, []).append(cid)
            for lemma, sense in zip(concept.lemmas, concept.senses):
                self._by_lemma.setdefault(normalize_name(lemma), []).append(
                    (sense, cid))
        for entries in self._by_lemma.values():
            entries.sort()
        self._ancestors: Dict[str, frozenset] = {}
        self._depth: Dict[str, int] = {}
        if validate:
            self.validate()

    # ------------------------------------------------------------ loading
    @classmethod
    def load(cls, path: str = DEFAULT_GRAPH_FILE) -> 'ConceptGraph':
        """Load a graph file written by the build tool (gzip'd JSON)."""
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'no concept graph at {path}: tools/setup_env.sh builds it '
                '(or run python tools/dataset_converters/'
                'build_gvd_taxonomy.py --out PATH)')
        with gzip.open(path, 'rt', encoding='utf-8') as f:
            data = json.load(f)
        if data.get('format') != FORMAT:
            raise ValueError(f'{path} is not a concept graph of format '
                             f'{FORMAT!r} (got {data.get("format")!r})')
        return cls(Concept.from_row(row) for row in data['concepts'])

    def validate(self) -> None:
        """Raise ValueError unless the concepts form a DAG with one root
        that every concept reaches."""
        roots = [c.id for c in self._concepts.values() if not c.parents]
        if len(roots) != 1:
            raise ValueError(f'expected one root, got {roots[:10]}')
        for concept in self._concepts.values():
            missing = [p for p in concept.parents if p not in self._concepts]
            if missing:
                raise ValueError(f'concept {concept.id} ({concept.name!r}) '
                                 f'has missing parents {missing}')
        # Kahn's algorithm from the root: a concept on a cycle is never
        # reached with all its parents done.
        waiting = {cid: len(c.parents) for cid, c in self._concepts.items()}
        ready = [cid for cid, n in waiting.items() if n == 0]
        done = 0
        while ready:
            cid = ready.pop()
            done += 1
            for child in self._children.get(cid, []):
                waiting[child] -= 1
                if waiting[child] == 0:
                    ready.append(child)
        if done != len(self._concepts):
            cyclic = sorted(c for c, n in waiting.items() if n > 0)[:10]
            raise ValueError(f'the graph has a cycle through {cyclic}')

    def to_dict(self) -> dict:
        return dict(format=FORMAT,
                    concepts=[c.to_row() for c in self])

    # ------------------------------------------------------------- access
    def __len__(self) -> int:
        return len(self._concepts)

    def __contains__(self, cid: str) -> bool:
        return cid in self._concepts

    def __iter__(self) -> Iterator[Concept]:
        return (self._concepts[cid] for cid in sorted(self._concepts))

    def __getitem__(self, cid: str) -> Concept:
        try:
            return self._concepts[cid]
        except KeyError:
            raise KeyError(f'no concept {cid!r} (WordNet noun ids look like '
                           "'n02084071', additions like "
                           "'mmintern:<dataset>/<name>')") from None

    @property
    def root(self) -> Concept:
        """The concept without parents ('entity' in WordNet)."""
        return next(c for c in self if not c.parents)

    @property
    def additions(self) -> List[Concept]:
        """The concepts WordNet lacks."""
        return [c for c in self if not c.is_wordnet]

    def children(self, cid: str) -> List[str]:
        """The ids of the direct hyponyms of ``cid``."""
        self[cid]
        return list(self._children.get(cid, []))

    def senses(self, lemma: str) -> List[str]:
        """The ids that have ``lemma`` (normalised) as a lemma, in WordNet's
        sense order (most frequent first); additions last."""
        entries = self._by_lemma.get(normalize_name(lemma), [])
        return [cid for sense, cid in entries if sense > 0] + \
            [cid for sense, cid in entries if sense == 0]

    # ------------------------------------------------------ the Up-E API
    def ancestors(self, cid: str) -> frozenset:
        """Every concept above ``cid`` (parents, their parents, ...: all
        paths, as a noun may have two parents); not ``cid`` itself."""
        if cid not in self._ancestors:
            out: Set[str] = set()
            for parent in self[cid].parents:
                out.add(parent)
                out |= self.ancestors(parent)
            self._ancestors[cid] = frozenset(out)
        return self._ancestors[cid]

    def expand(self, cid: str) -> List[str]:
        """``cid`` and all its ancestors, ``cid`` first, then nearer
        ancestors before farther ones (by depth, then id): a label and what
        it implies, for multi-label training on the hierarchy."""
        above = sorted(self.ancestors(cid),
                       key=lambda a: (-self.depth(a), a))
        return [cid] + above

    def depth(self, cid: str) -> int:
        """The length of the longest path from the root to ``cid``."""
        if cid not in self._depth:
            parents = self[cid].parents
            self._depth[cid] = 0 if not parents else \
                1 + max(self.depth(p) for p in parents)
        return self._depth[cid]

    def is_a(self, cid: str, ancestor: str) -> bool:
        """Whether ``cid`` is ``ancestor`` or lies under it."""
        return cid == ancestor or ancestor in self.ancestors(cid)

    def same_concept(self, a: str, b: str) -> bool:
        """Whether two ids name one concept (ids are unique per concept,
        so: whether they are equal; both must exist)."""
        self[a], self[b]
        return a == b

    def lowest_common_ancestor(self, a: str, b: str) -> str:
        """The deepest concept that is ``a`` or above it and ``b`` or above
        it (ties, where two parents meet: the lowest id)."""
        common = (self.ancestors(a) | {a}) & (self.ancestors(b) | {b})
        return min(common, key=lambda c: (-self.depth(c), c))

    def path(self, cid: str) -> List[str]:
        """Names from the root down to ``cid`` along the first parents."""
        names = []
        while True:
            concept = self[cid]
            names.append(concept.name)
            if not concept.parents:
                return names[::-1]
            cid = concept.parents[0]


_DEFAULT: Optional[ConceptGraph] = None


def load_concept_graph(path: Optional[str] = None) -> ConceptGraph:
    """The shipped GV-D concept graph (cached), or the one at ``path``."""
    global _DEFAULT
    if path is not None:
        return ConceptGraph.load(path)
    if _DEFAULT is None:
        _DEFAULT = ConceptGraph.load(DEFAULT_GRAPH_FILE)
    return _DEFAULT
