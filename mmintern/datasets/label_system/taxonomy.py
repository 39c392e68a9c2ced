"""The GV-D concept taxonomy of INTERN's label system.

INTERN (https://arxiv.org/abs/2111.08687) pretrains on GV-D, a union of
datasets whose labels are mapped onto one label system: a tree of concepts
with synonyms. :class:`Taxonomy` loads that tree from
``gvd_taxonomy.json`` (package data, written by
``tools/dataset_converters/build_gvd_taxonomy.py``; do not edit it by hand).
"""
import json
import os.path as osp
import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, Iterator, List, Optional, Tuple

DEFAULT_TAXONOMY_FILE = osp.join(osp.dirname(__file__), 'gvd_taxonomy.json')


def normalize_name(name: str) -> str:
    """Normalise a class or concept name: lowercase, underscores and hyphens
    to spaces, runs of spaces collapsed, stripped."""
    name = name.lower().replace('_', ' ').replace('-', ' ')
    return re.sub(r'\s+', ' ', name).strip()


@dataclass(frozen=True)
class Concept:
    """One concept: a stable integer id, a canonical name, synonyms and the
    id of its parent (None for the root).

    ``source`` says where it came from: ``'top'`` (the hand-written top of
    the hierarchy) or ``'<dataset>:<class index>'`` for a generated leaf.
    """
    id: int
    name: str
    parent: Optional[int]
    synonyms: Tuple[str, ...] = field(default_factory=tuple)
    source: str = 'top'

    def to_dict(self) -> dict:
        return dict(id=self.id, name=self.name, parent=self.parent,
                    synonyms=list(self.synonyms), source=self.source)


class Taxonomy:
    """A tree of :class:`Concept` s with name and synonym look-ups.

    Args:
        concepts (Iterable[Concept | dict]): The concepts; dicts take the
            keys of :meth:`Concept.to_dict`.
        validate (bool): Check that it is a tree (unique ids, every parent
            exists, one root, no cycles). Defaults to True.
    """

    def __init__(self, concepts: Iterable, validate: bool = True):
        self._concepts: Dict[int, Concept] = {}
        for item in concepts:
            concept = item if isinstance(item, Concept) else Concept(
                id=int(item['id']), name=item['name'],
                parent=item.get('parent'),
                synonyms=tuple(item.get('synonyms', ())),
                source=item.get('source', 'top'))
            if concept.id in self._concepts:
                raise ValueError(f'duplicate concept id {concept.id}')
            self._concepts[concept.id] = concept
        self._children: Dict[Optional[int], List[int]] = {}
        for concept in self._concepts.values():
            self._children.setdefault(concept.parent, []).append(concept.id)
        for ids in self._children.values():
            ids.sort()
        # name index: normalised canonical name / synonym -> sorted ids
        self._by_name: Dict[str, List[int]] = {}
        self._by_synonym: Dict[str, List[int]] = {}
        for cid in sorted(self._concepts):
            concept = self._concepts[cid]
            self._by_name.setdefault(normalize_name(concept.name),
                                     []).append(cid)
            for synonym in concept.synonyms:
                ids = self._by_synonym.setdefault(normalize_name(synonym), [])
                if cid not in ids:
                    ids.append(cid)
        if validate:
            self.validate()

    @classmethod
    def load(cls, path: str = DEFAULT_TAXONOMY_FILE) -> 'Taxonomy':
        """Load a taxonomy JSON (``{'concepts': [...]}``)."""
        with open(path, encoding='utf-8') as f:
            data = json.load(f)
        return cls(data['concepts'])

    def validate(self) -> None:
        """Raise ValueError unless the concepts form one tree."""
        roots = self._children.get(None, [])
        if len(roots) != 1:
            raise ValueError(f'expected one root, got {roots}')
        for concept in self._concepts.values():
            if concept.parent is not None and \
                    concept.parent not in self._concepts:
                raise ValueError(f'concept {concept.id} ({concept.name!r}) '
                                 f'has a missing parent {concept.parent}')
        seen = set()
        stack = list(roots)
        while stack:
            cid = stack.pop()
            seen.add(cid)
            stack.extend(self._children.get(cid, []))
        if len(seen) != len(self._concepts):
            cyclic = sorted(set(self._concepts) - seen)[:10]
            raise ValueError(f'concepts not reachable from the root (a '
                             f'cycle): {cyclic}')

    def __len__(self) -> int:
        return len(self._concepts)

    def __contains__(self, cid: int) -> bool:
        return cid in self._concepts

    def __iter__(self) -> Iterator[Concept]:
        return (self._concepts[cid] for cid in sorted(self._concepts))

    def __getitem__(self, cid: int) -> Concept:
        return self._concepts[cid]

    @property
    def root(self) -> Concept:
        return self._concepts[self._children[None][0]]

    def children(self, cid: int) -> List[int]:
        """The ids of the direct children of ``cid``."""
        return list(self._children.get(cid, []))

    def ancestors(self, cid: int) -> List[int]:
        """The ids from the parent of ``cid`` up to the root."""
        out = []
        parent = self._concepts[cid].parent
        while parent is not None:
            out.append(parent)
            parent = self._concepts[parent].parent
        return out

    def path(self, cid: int) -> List[str]:
        """Canonical names from the root down to ``cid``."""
        ids = [cid] + self.ancestors(cid)
        return [self._concepts[i].name for i in reversed(ids)]

    def find(self, name: str) -> List[int]:
        """Ids whose canonical name normalises to ``normalize_name(name)``."""
        return list(self._by_name.get(normalize_name(name), []))

    def find_synonym(self, name: str) -> List[int]:
        """Ids that list ``name`` (normalised) among their synonyms."""
        return list(self._by_synonym.get(normalize_name(name), []))

    def id_of(self, name: str) -> int:
        """The id of the concept named ``name`` (canonical, else the lowest
        id with that synonym); KeyError if none."""
        ids = self.find(name) or self.find_synonym(name)
        if not ids:
            raise KeyError(name)
        return ids[0]

    def to_dict(self) -> dict:
        return dict(concepts=[c.to_dict() for c in self])


_DEFAULT = None


def load_taxonomy(path: Optional[str] = None) -> Taxonomy:
    """The shipped GV-D taxonomy (cached), or the one at ``path``."""
    global _DEFAULT
    if path is not None:
        return Taxonomy.load(path)
    if _DEFAULT is None:
        _DEFAULT = Taxonomy.load(DEFAULT_TAXONOMY_FILE)
    return _DEFAULT
