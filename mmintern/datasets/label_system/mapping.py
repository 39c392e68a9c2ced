"""Map a dataset's class names onto the concepts of the GV-D taxonomy.

Each class gets a concept id and a match kind:

* ``'exact'``: its normalised name (:func:`normalize_name`) is a concept's
  normalised canonical name;
* ``'synonym'``: it is one of a concept's synonyms, or it names one through
  the dataset's alias table (:data:`DATASET_ALIASES`), or a spelling variant
  of it does (CamelCase split, a plural ``-s`` / ``-es`` dropped);
* ``'parent'``: no exact or synonym match, but a more general concept
  matches: an explicit rule (:data:`PARENT_RULES`), the name with a trailing
  qualifier (:data:`QUALIFIER_WORDS`, e.g. ``'car side'``) dropped, or its
  head noun, i.e. the name with leading words dropped (``'mountain bike'`` ->
  ``'bike'``, a synonym of ``'bicycle'``).

Classes that match nothing are listed in :attr:`ClassMapping.unmatched`,
never dropped.

:func:`dataset_classes` takes the class tables of mmpretrain, mmdet, mmseg
and mmintern (``METAINFO`` / ``*_CATEGORIES``), importing the dataset's
module when it is asked for.
"""
import importlib
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from .taxonomy import Taxonomy, load_taxonomy, normalize_name

# Oxford Flowers-102, labels 1-102 in order (the dataset ships no names;
# these are the names of the dataset page's category list).
FLOWERS102_CLASSES = (
    'pink primrose', 'hard-leaved pocket orchid', 'canterbury bells',
    'sweet pea', 'english marigold', 'tiger lily', 'moon orchid',
    'bird of paradise', 'monkshood', 'globe thistle', 'snapdragon',
    "colt's foot", 'king protea', 'spear thistle', 'yellow iris',
    'globe-flower', 'purple coneflower', 'peruvian lily', 'balloon flower',
    'giant white arum lily', 'fire lily', 'pincushion flower', 'fritillary',
    'red ginger', 'grape hyacinth', 'corn poppy', 'prince of wales feathers',
    'stemless gentian', 'artichoke', 'sweet william', 'carnation',
    'garden phlox', 'love in the mist', 'mexican aster', 'alpine sea holly',
    'ruby-lipped cattleya', 'cape flower', 'great masterwort', 'siam tulip',
    'lenten rose', 'barbeton daisy', 'daffodil', 'sword lily', 'poinsettia',
    'bolero deep blue', 'wallflower', 'marigold', 'buttercup', 'oxeye daisy',
    'common dandelion', 'petunia', 'wild pansy', 'primula', 'sunflower',
    'pelargonium', 'bishop of llandaff', 'gaura', 'geranium',
    'orange dahlia', 'pink-yellow dahlia', 'cautleya spicata',
    'japanese anemone', 'black-eyed susan', 'silverbush',
    'californian poppy', 'osteospermum', 'spring crocus', 'bearded iris',
    'windflower', 'tree poppy', 'gazania', 'azalea', 'water lily', 'rose',
    'thorn apple', 'morning glory', 'passion flower', 'lotus', 'toad lily',
    'anthurium', 'frangipani', 'clematis', 'hibiscus', 'columbine',
    'desert-rose', 'tree mallow', 'magnolia', 'cyclamen', 'watercress',
    'canna lily', 'hippeastrum', 'bee balm', 'ball moss', 'foxglove',
    'bougainvillea', 'camellia', 'mallow', 'mexican petunia', 'bromelia',
    'blanket flower', 'trumpet creeper', 'blackberry lily')

# GTSRB: the sign of each class folder 00000-00042 (GTSRB's METAINFO names
# the classes by folder).
GTSRB_SIGN_NAMES = (
    'speed limit 20 km/h', 'speed limit 30 km/h', 'speed limit 50 km/h',
    'speed limit 60 km/h', 'speed limit 70 km/h', 'speed limit 80 km/h',
    'end of speed limit 80 km/h', 'speed limit 100 km/h',
    'speed limit 120 km/h', 'no passing',
    'no passing for vehicles over 3.5 metric tons',
    'right-of-way at the next intersection', 'priority road', 'yield',
    'stop', 'no vehicles', 'vehicles over 3.5 metric tons prohibited',
    'no entry', 'general caution', 'dangerous curve to the left',
    'dangerous curve to the right', 'double curve', 'bumpy road',
    'slippery road', 'road narrows on the right', 'road work',
    'traffic signals', 'pedestrians', 'children crossing',
    'bicycles crossing', 'beware of ice/snow', 'wild animals crossing',
    'end of all speed and passing limits', 'turn right ahead',
    'turn left ahead', 'ahead only', 'go straight or right',
    'go straight or left', 'keep right', 'keep left',
    'roundabout mandatory', 'end of no passing',
    'end of no passing by vehicles over 3.5 metric tons')

# Per-dataset aliases, class name -> concept name (a 'synonym' match):
# names whose meaning depends on the dataset.
DATASET_ALIASES: Dict[str, Dict[str, str]] = {
    'coco': {'mouse': 'computer mouse', 'remote': 'remote control',
             'tv': 'television', 'keyboard': 'computer keyboard'},
    'eurosat': {'Industrial': 'industrial area',
                'Residential': 'residential area'},
    'resisc45': {'roundabout': 'intersection', 'snowberg': 'glacier',
                 'overpass': 'bridge', 'chaparral': 'bush'},
    'gtsrb': {f'{i:05d}': name for i, name in enumerate(GTSRB_SIGN_NAMES)},
    'svhn': {str(d): name for d, name in enumerate(
        ('zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven',
         'eight', 'nine'))},
}

# Explicit 'parent' rules: normalised word or name -> general concept.
PARENT_RULES: Dict[str, str] = {
    'bike': 'bicycle', 'motorbike': 'motorcycle', 'plane': 'airplane',
    'residential': 'residential area', 'industrial': 'industrial area',
    'farmland': 'farmland', 'crop': 'crop', 'vegetation': 'vegetation',
    'pasture': 'meadow', 'court': 'sports field', 'field': 'sports field',
    'diamond': 'sports field', 'station': 'building', 'shop': 'building',
    'store': 'building', 'hall': 'room', 'cabin': 'room',
}

# Trailing words that qualify a view or a part rather than name a thing:
# 'car side' -> 'car', 'church outdoor' -> 'church'.
QUALIFIER_WORDS = ('side', 'head', 'body', 'face', 'indoor', 'outdoor',
                   'interior', 'exterior', 'public', 'natural', 'urban',
                   'vegetable', 'cultivated', 'wild', 'easy')


def _split_camel(name: str) -> str:
    return re.sub(r'(?<=[a-z])(?=[A-Z])', ' ', name)


def _variants(key: str) -> List[str]:
    """Spelling variants of a normalised name: plural suffixes dropped."""
    out = []
    if key.endswith('ies') and len(key) > 4:
        out.append(key[:-3] + 'y')
    if key.endswith('es') and len(key) > 3:
        out.append(key[:-2])
    if key.endswith('s') and not key.endswith('ss') and len(key) > 2:
        out.append(key[:-1])
    return out


@dataclass(frozen=True)
class ClassMatch:
    """How one class maps: its index and name, the concept id and name, the
    match kind and the name that matched (``via``)."""
    index: int
    name: str
    concept_id: Optional[int]
    concept_name: Optional[str]
    kind: str  # 'exact' | 'synonym' | 'parent' | 'unmatched'
    via: Optional[str] = None


@dataclass
class ClassMapping:
    """The mapping of one dataset's classes onto the taxonomy."""
    matches: List[ClassMatch] = field(default_factory=list)

    @property
    def matched(self) -> List[ClassMatch]:
        return [m for m in self.matches if m.concept_id is not None]

    @property
    def unmatched(self) -> List[str]:
        """The class names that map to no concept."""
        return [m.name for m in self.matches if m.concept_id is None]

    @property
    def concept_ids(self) -> List[Optional[int]]:
        """The concept id of each class in order (None if unmatched)."""
        return [m.concept_id for m in self.matches]

    def __getitem__(self, name: str) -> ClassMatch:
        for match in self.matches:
            if match.name == name:
                return match
        raise KeyError(name)

    def __len__(self) -> int:
        return len(self.matches)

    def counts(self) -> Dict[str, int]:
        out = dict(exact=0, synonym=0, parent=0, unmatched=0)
        for match in self.matches:
            out[match.kind] += 1
        return out


def _lookup(taxonomy: Taxonomy, key: str) -> Tuple[Optional[int], str]:
    """(id, 'exact' | 'synonym') for a normalised name, or (None, '')."""
    ids = taxonomy.find(key)
    if ids:
        return ids[0], 'exact'
    ids = taxonomy.find_synonym(key)
    if ids:
        return ids[0], 'synonym'
    return None, ''


def _lookup_any(taxonomy: Taxonomy, key: str) -> Optional[int]:
    for candidate in [key] + _variants(key):
        cid, _ = _lookup(taxonomy, candidate)
        if cid is not None:
            return cid
    return None


def _parent_candidates(key: str) -> List[str]:
    """More general names for a normalised name, most specific first."""
    words = key.split(' ')
    out = []
    while len(words) > 1 and words[-1] in QUALIFIER_WORDS:
        words = words[:-1]
        out.append(' '.join(words))
    for start in range(1, len(words)):  # head nouns: drop leading words
        out.append(' '.join(words[start:]))
    return out


def match_class(name: str, taxonomy: Taxonomy, index: int = 0,
                aliases: Optional[Dict[str, str]] = None) -> ClassMatch:
    """Map one class name (see the module docstring for the rules)."""

    def result(cid, kind, via):
        return ClassMatch(index, name, cid, taxonomy[cid].name, kind, via)

    if aliases and name in aliases:
        cid = _lookup_any(taxonomy, normalize_name(aliases[name]))
        if cid is not None:
            return result(cid, 'synonym', aliases[name])
    key = normalize_name(name)
    cid, kind = _lookup(taxonomy, key)
    if cid is not None:
        return result(cid, kind, key)
    if ',' in key:  # ImageNet style 'tench, tinca tinca': name, synonyms
        parts = [part.strip() for part in key.split(',') if part.strip()]
        for i, part in enumerate(parts):
            cid, kind = _lookup(taxonomy, part)
            if cid is not None:
                return result(cid, kind if i == 0 else 'synonym', part)
        key = parts[0] if parts else key
    camel = normalize_name(_split_camel(name.split(',')[0]))
    for variant in dict.fromkeys([camel] + _variants(key)):
        cid, _ = _lookup(taxonomy, variant)
        if cid is not None:
            return result(cid, 'synonym', variant)
    for candidate in dict.fromkeys(_parent_candidates(camel)):
        rule = PARENT_RULES.get(candidate)
        cid = _lookup_any(taxonomy, normalize_name(rule)) if rule else None
        if cid is None:
            cid = _lookup_any(taxonomy, candidate)
        if cid is not None:
            return result(cid, 'parent', candidate)
    return ClassMatch(index, name, None, None, 'unmatched')


def map_classes(class_names: Sequence[str],
                taxonomy: Optional[Taxonomy] = None,
                aliases: Optional[Dict[str, str]] = None) -> ClassMapping:
    """Map class names onto concept ids.

    Args:
        class_names (Sequence[str]): The dataset's classes, in label order.
        taxonomy (Taxonomy, optional): Defaults to the shipped GV-D one.
        aliases (dict, optional): Dataset-specific class name -> concept
            name, e.g. ``DATASET_ALIASES['coco']``.

    Returns:
        ClassMapping: One :class:`ClassMatch` per class, unmatched included.
    """
    taxonomy = taxonomy if taxonomy is not None else load_taxonomy()
    return ClassMapping([
        match_class(name, taxonomy, index, aliases)
        for index, name in enumerate(class_names)
    ])


def map_dataset(name: str,
                taxonomy: Optional[Taxonomy] = None) -> ClassMapping:
    """Map a supported dataset's classes, with its aliases."""
    return map_classes(dataset_classes(name), taxonomy,
                       DATASET_ALIASES.get(name))


def shared_concepts(mapping_a: ClassMapping,
                    mapping_b: ClassMapping) -> List[int]:
    """The sorted concept ids that both mappings use."""
    ids_a = {m.concept_id for m in mapping_a.matched}
    ids_b = {m.concept_id for m in mapping_b.matched}
    return sorted(ids_a & ids_b)


# ---------------------------------------------------------------- classes
def _class_table(module: str, attr: str) -> Tuple[str, ...]:
    """``module.attr``: a tuple of names, or a ``Class.METAINFO`` dict whose
    ``classes`` are the names. The module is imported here, when a class
    list is asked for, not when mmintern is."""
    obj = importlib.import_module(module)
    for part in attr.split('.'):
        obj = getattr(obj, part)
    return tuple(obj['classes'] if isinstance(obj, dict) else obj)


_PRETRAIN = 'mmpretrain.datasets.categories'
# dataset -> (module, attribute): where its classes are defined.
_CLASS_TABLES = {
    'cifar10': (_PRETRAIN, 'CIFAR10_CATEGORIES'),
    'cifar100': (_PRETRAIN, 'CIFAR100_CATEGORIES'),
    'food101': (_PRETRAIN, 'FOOD101_CATEGORIES'),
    'pets': (_PRETRAIN, 'OxfordIIITPet_CATEGORIES'),
    'sun397': (_PRETRAIN, 'SUN397_CATEGORIES'),
    'cars': (_PRETRAIN, 'STANFORDCARS_CATEGORIES'),
    'dtd': (_PRETRAIN, 'DTD_CATEGORIES'),
    'caltech101': (_PRETRAIN, 'CALTECH101_CATEGORIES'),
    'aircraft': (_PRETRAIN, 'FGVCAIRCRAFT_CATEGORIES'),
    'imagenet': (_PRETRAIN, 'IMAGENET_CATEGORIES'),
    'eurosat': ('mmintern.gvb.datasets.eurosat', 'EuroSAT.METAINFO'),
    'resisc45': ('mmintern.gvb.datasets.resisc45', 'RESISC45.METAINFO'),
    'retinopathy': ('mmintern.gvb.datasets.retinopathy',
                    'DiabeticRetinopathy.METAINFO'),
    'fer2013': ('mmintern.gvb.datasets.fer2013', 'FER2013.METAINFO'),
    'pcam': ('mmintern.gvb.datasets.pcam', 'PatchCamelyon.METAINFO'),
    'wider_face': ('mmintern.gvb.datasets.wider_face',
                   'WiderFaceDataset.METAINFO'),
    'citypersons': ('mmintern.gvb.datasets.citypersons',
                    'CityPersonsDataset.METAINFO'),
    'coco': ('mmdet.datasets.coco', 'CocoDataset.METAINFO'),
    'voc': ('mmdet.datasets.voc', 'VOCDataset.METAINFO'),
    'voc0712': ('mmdet.datasets.voc', 'VOCDataset.METAINFO'),
    'voc2012': ('mmseg.datasets.voc', 'PascalVOCDataset.METAINFO'),
    'ade20k': ('mmseg.datasets.ade', 'ADE20KDataset.METAINFO'),
}
# Classes written here: those of SVHNMat and GTSRB's METAINFO (built by
# expressions, not literals) and Flowers-102 (no names in the stack).
_WRITTEN = {
    'svhn': tuple(str(digit) for digit in range(10)),
    'gtsrb': tuple(f'{i:05d}' for i in range(len(GTSRB_SIGN_NAMES))),
    'flowers102': FLOWERS102_CLASSES,
}
# GV-B datasets left out: class lists read from the data (UCF101's
# classInd.txt, Kinetics-700's folders; too long to write reliably here)
# or no classes at all (depth estimation).
UNSUPPORTED_DATASETS = {
    'ucf101': 'the 101 action names come from classInd.txt',
    'kinetics700': 'the 700 action names come from the class folders',
    'kitti': 'depth estimation, no classes',
    'nyuv2': 'depth estimation, no classes',
}
SUPPORTED_DATASETS = tuple(sorted(set(_CLASS_TABLES) | set(_WRITTEN)))


def dataset_classes(name: str) -> Tuple[str, ...]:
    """The class names of a supported dataset, in label order.

    ``name`` is a GV-B key (``reference_results.json``) or one of
    ``'imagenet'``, ``'coco'``, ``'voc'``, ``'ade20k'``; see
    :data:`SUPPORTED_DATASETS` and :data:`UNSUPPORTED_DATASETS`.
    """
    if name in _WRITTEN:
        return tuple(_WRITTEN[name])
    if name not in _CLASS_TABLES:
        why = UNSUPPORTED_DATASETS.get(name, 'unknown dataset')
        raise KeyError(f'no class list for {name!r}: {why}; supported: '
                       f'{SUPPORTED_DATASETS}')
    return _class_table(*_CLASS_TABLES[name])
