"""Map a dataset's class names onto the concepts of the GV-D graph.

Each class gets a concept id and a match kind, by these rules, in order:

1. an **override** of the dataset (:data:`OVERRIDES`, class name ->
   concept id), where the rules below pick the wrong sense or none;
2. ImageNet-1k / -21k classes are their synsets (:data:`SYNSET_LISTS`:
   class *i* is the *i*-th WordNet id of the list timm ships): ``'exact'``;
3. ``'exact'`` / ``'synonym'``: the normalised name (:func:`normalize_name`),
   else a comma-separated part of it (ImageNet style ``'tench, Tinca
   tinca'``), its CamelCase split, or a plural-less variant, is a lemma
   of one or more noun synsets. It is ``'exact'`` when the chosen synset's
   first lemma is the name, else ``'synonym'``. **Ambiguity** (a lemma
   with several senses) is resolved by one rule: only the senses under
   the dataset's domain count where it has one (:data:`DATASET_DOMAINS`,
   e.g. animals for Pets), else the physical ones are preferred; among
   those, WordNet's sense order (most frequent first);
4. ``'parent'``: no synset has the name. The class is a concept of its own
   that WordNet lacks (``mmintern:<dataset>/<name>``, in the shipped graph
   for every supported dataset) under a synset: the dataset's
   :data:`PLACED` entry (breeds, typos), else the most specific synset
   that names it more generally: the name with a trailing qualifier
   (:data:`QUALIFIER_WORDS`: ``'car side'`` -> ``'car'``) or leading words
   dropped (``'mountain bike'`` -> ``'bike'``), else the dataset's
   :data:`DATASET_PARENTS` entry (Stanford Cars' models are cars). Also a
   class whose synset another class of the dataset names exactly (SUN397's
   'pharmacy' beside 'drugstore', one WordNet synset): it goes under it.
   For a dataset without additions the match is the parent synset itself;
5. otherwise ``'unmatched'``, listed in :attr:`ClassMapping.unmatched`,
   never dropped.

:func:`dataset_classes` takes the class tables of mmpretrain, mmdet, mmseg
and mmintern (``METAINFO`` / ``*_CATEGORIES``) and the synset lists timm
ships, importing the module when a dataset is asked for.
"""
import importlib
import os.path as osp
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from .graph import ConceptGraph, load_concept_graph, normalize_name

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

# Where the rules pick the wrong sense (or none): dataset -> class name ->
# concept id. Each entry says why.
OVERRIDES: Dict[str, Dict[str, str]] = {
    'cifar10': {
        # car.n.01 has 'automobile' as a synonym; stated, since VOC's and
        # COCO's 'car' must be the same concept.
        'automobile': 'n02958343',
    },
    'voc': {
        'tvmonitor': 'n04405907',  # television receiver (no such lemma)
        'pottedplant': 'n13083023',  # houseplant
        'diningtable': 'n03201208',  # dining table (run together)
        'motorbike': 'n03790512',  # motorcycle (WordNet's is a minibike)
    },
    'coco': {
        'mouse': 'n03793489',  # the computer mouse, not the rodent
        'tv': 'n04405907',  # television receiver, not the system
        'keyboard': 'n03085013',  # computer keyboard, not the piano's
    },
    'eurosat': {
        'Industrial': 'n08587985',  # industrial park
        'Residential': 'n08553535',  # residential district
    },
    'fer2013': {  # adjectives; WordNet's nouns are the emotions
        'angry': 'n07516354',  # anger
        'happy': 'n07526757',  # happiness
        'sad': 'n07532440',  # sadness
    },
    'pcam': {
        'normal': 'n05267345',  # tissue (not 'normal', a convention)
    },
    'objects365': {
        'Gloves': 'n03441112',  # handwear (glove's first sense is the
                                # baseball glove, its own class here)
        'Chips': 'n07712559',  # potato chip, not French fries (a class)
        # The physical sense first is a person or food (see CIFAR-100's
        # below): the machine, and the animals.
        'Crane': 'n03126707',  # not the writer Stephen Crane
        'Seal': 'n02076196',  # not sealing wax
        'Shrimp': 'n01986806',  # not 'runt'
        'Lobster': 'n01982650',
        'Chicken': 'n01791625',
    },
    'ade20k': {
        # The physical first senses are people: the display, the placard.
        'monitor': 'n03782190',  # not a proctor
        'poster': 'n06793426',  # not a bill poster
    },
    'pets': {
        'Persian': 'n02123394',  # Persian cat (Persian: the language)
        'japanese_chin': 'n02085782',  # Japanese spaniel, its old name
    },
    'sun397': {
        'castle': 'n02980441',  # the fortified one (sense 1 is a palace,
                                # its own class here)
    },
}
OVERRIDES['voc0712'] = OVERRIDES['voc']
# mmseg's VOC names: the same classes, and the scene behind them.
OVERRIDES['voc2012'] = dict(OVERRIDES['voc'], background='n05933834')
# Caltech-101's clutter class: background in the sense of a scene's.
# WordNet's sense order puts an animal's fur, flesh or a person named
# after it before the animal itself (tiger: 'a fierce or audacious person';
# lobster: 'flesh of a lobster'), and a general rule that demotes those
# senses picks worse ones elsewhere (measured on every supported dataset:
# a beard for beaver, a constellation for crane). CIFAR-100's and
# Caltech-101's animals are their animals, stated.
OVERRIDES['caltech101'] = {
    'BACKGROUND_Google': 'n05933834',
    'Leopards': 'n02128385',
    'bass': 'n02565573',
    'beaver': 'n02363005',
    'crayfish': 'n01985128',
    'dalmatian': 'n02110341',
    'lobster': 'n01982650',
    'octopus': 'n01970164',
    'scorpion': 'n01770393',
}
OVERRIDES['cifar100'] = {
    'beaver': 'n02363005',
    'flatfish': 'n02657368',
    'leopard': 'n02128385',
    'lobster': 'n01982650',
    'otter': 'n02444819',
    'raccoon': 'n02508021',
    'ray': 'n01495701',
    'seal': 'n02076196',
    'shrew': 'n01891633',
    'skunk': 'n02445715',
    'tiger': 'n02129604',
    'trout': 'n02537085',
    'turtle': 'n01662784',
    'whale': 'n02062744',
}

# Rule 4 by hand: dataset -> class name -> the WordNet parent of a class
# WordNet lacks, where no name rule finds it (breeds, typos, run-together
# names).
PLACED: Dict[str, Dict[str, str]] = {
    # Oxford-IIIT Pets names cat breeds capitalised, dogs not. The head
    # noun rule would make a Maine Coon a raccoon and a Russian Blue a
    # butterfly: the cats go under domestic cat, the dogs under dog.
    'pets': {
        **{cat: 'n02121808' for cat in (
            'Bengal', 'Birman', 'Bombay', 'British_Shorthair',
            'Egyptian_Mau', 'Maine_Coon', 'Ragdoll', 'Russian_Blue',
            'Sphynx')},
        **{dog: 'n02084071' for dog in (
            'german_shorthaired', 'havanese', 'leonberger', 'shiba_inu')},
    },
    'resisc45': {
        'dense_residential': 'n08553535',  # residential district
        'medium_residential': 'n08553535',
        'sparse_residential': 'n08553535',
        'snowberg': 'n09359803',  # mountain
    },
    'sun397': {
        'car_interior_frontseat': 'n02958343',  # car
        'forest_broadleaf': 'n09284015',  # forest, the land
        'forest_needleleaf': 'n09284015',
        'jacuzzi_indoor': 'n03543603',  # hot tub
        'mountain_snowy': 'n09359803',  # mountain
        'skatepark': 'n08615149',  # park
        'theater_indoor_procenium': 'n04417809',  # theater, the building
        'videostore': 'n04202417',  # shop
    },
    'objects365': {  # its typos
        'Bakset': 'n02801938', 'Ballon': 'n02782093', 'Hotair ballon':
        'n02782093', 'Mushroon': 'n13001041', 'Campel': 'n02437136',
        'Buttefly': 'n02274259', 'Moniter/TV': 'n04405907',
    },
    'caltech101': {
        'binocular': 'n02841315',  # binoculars
        'water_lilly': 'n11714853',  # water lily
    },
}

# The WordNet ids of ImageNet's classes, in label order, as timm ships them.
SYNSET_LISTS = {
    'imagenet': 'imagenet_synsets.txt',
    'imagenet21k': 'imagenet21k_goog_synsets.txt',
}

# Dataset -> the synsets its classes lie under (rule 3): a sense outside
# them is not taken (Pets' 'Bengal' is a cat, not the region).
DATASET_DOMAINS: Dict[str, Tuple[str, ...]] = {
    'pets': ('n00015388', ),  # animal
    'flowers102': ('n00017222', ),  # plant
    'food101': ('n00021265', ),  # food
    'cars': ('n02958343', ),  # car
    'aircraft': ('n02686568', ),  # aircraft
    'dtd': ('n04950537', ),  # texture, the visual property
    'fer2013': ('n07480068', ),  # emotion
    'gtsrb': ('n06794110', ),  # street sign
}

# Dataset -> the parent of a class no name rule places (rule 4).
DATASET_PARENTS: Dict[str, str] = {
    'cars': 'n02958343',  # car: 196 make-model-year classes
    'aircraft': 'n02691156',  # airplane: 100 variants ('707-320')
    'gtsrb': 'n06794110',  # street sign: 43 German traffic signs
    'flowers102': 'n11669921',  # flower
    'dtd': 'n04950537',  # texture
    'retinopathy': 'n14257014',  # retinopathy: its grades
    'fer2013': 'n07480068',  # emotion
    'food101': 'n07557434',  # dish, the food
}

# Trailing words that qualify a view or a part rather than name a thing:
# 'car side' -> 'car', 'church outdoor' -> 'church'.
QUALIFIER_WORDS = ('side', 'head', 'body', 'face', 'indoor', 'outdoor',
                   'interior', 'exterior', 'public', 'natural', 'urban',
                   'vegetable', 'cultivated', 'wild', 'easy')
PHYSICAL_ENTITY = 'n00001930'


def addition_id(dataset: str, name: str) -> str:
    """The id of a class WordNet lacks: ``mmintern:<dataset>/<slug>``."""
    slug = re.sub(r'[^a-z0-9]+', '_', name.lower()).strip('_')
    return f'mmintern:{dataset}/{slug}'


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
    concept_id: Optional[str]
    concept_name: Optional[str]
    kind: str  # 'exact' | 'synonym' | 'parent' | 'unmatched'
    via: Optional[str] = None


@dataclass
class ClassMapping:
    """The mapping of one dataset's classes onto the graph."""
    matches: List[ClassMatch] = field(default_factory=list)

    @property
    def matched(self) -> List[ClassMatch]:
        return [m for m in self.matches if m.concept_id is not None]

    @property
    def unmatched(self) -> List[str]:
        """The class names that map to no concept."""
        return [m.name for m in self.matches if m.concept_id is None]

    @property
    def concept_ids(self) -> List[Optional[str]]:
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


def choose_sense(graph: ConceptGraph, ids: Sequence[str],
                 domains: Sequence[str] = ()) -> Optional[str]:
    """Rule 3's choice among the senses ``ids`` (in WordNet's order): with
    ``domains``, the first under one of them, else none; without, the
    first physical one, else the first."""
    within = tuple(domains) or (PHYSICAL_ENTITY, )
    for cid in ids:
        if any(graph.is_a(cid, d) for d in within):
            return cid
    return None if domains or not ids else ids[0]


def _names_of(name: str) -> List[str]:
    """The normalised names rule 3 tries, in order."""
    key = normalize_name(name)
    out = [key]
    if ',' in key:  # 'tench, tinca tinca': a name, then synonyms
        out += [part.strip() for part in key.split(',') if part.strip()]
    out += _alternatives(key)
    first = out[1] if len(out) > 1 else key
    out.append(normalize_name(_split_camel(name.split(',')[0])))
    out += _variants(first)
    return list(dict.fromkeys(n for n in out if n))


def _alternatives(key: str) -> List[str]:
    """'pen/pencil' -> ['pen', 'pencil']; a name without alternatives
    ('km/h' is a unit, '3.5/4' numbers) -> [name]."""
    parts = [part.strip() for part in key.split('/')]
    if len(parts) > 1 and all(re.fullmatch(r'[a-z][a-z ]+', p)
                              for p in parts):
        return parts
    return [key]


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


def match_class(name: str, graph: ConceptGraph, index: int = 0,
                dataset: Optional[str] = None,
                overrides: Optional[Dict[str, str]] = None) -> ClassMatch:
    """Map one class name by the rules of the module docstring;
    ``overrides`` (class name -> concept id) go over the dataset's
    :data:`OVERRIDES`."""

    def result(cid, kind, via):
        return ClassMatch(index, name, cid, graph[cid].name, kind, via)

    override = {**OVERRIDES.get(dataset, {}), **(overrides or {})}.get(name)
    if override is not None:
        return result(override, 'exact' if normalize_name(name) ==
                      normalize_name(graph[override].name) else 'synonym',
                      'override')
    domains = DATASET_DOMAINS.get(dataset, ())
    for i, key in enumerate(_names_of(name)):
        cid = choose_sense(graph, [c for c in graph.senses(key)
                                   if graph[c].is_wordnet], domains)
        if cid is not None:
            exact = i == 0 and normalize_name(graph[cid].name) == key
            return result(cid, 'exact' if exact else 'synonym', key)
    if dataset is not None and addition_id(dataset, name) in graph:
        cid = addition_id(dataset, name)
        return result(cid, 'parent', graph[cid].parents[0])
    parent = find_parent(name, graph, dataset)
    if parent is not None:
        return result(parent[0], 'parent', parent[1])
    return ClassMatch(index, name, None, None, 'unmatched')


def find_parent(name: str, graph: ConceptGraph,
                dataset: Optional[str] = None) -> Optional[Tuple[str, str]]:
    """Rule 4's parent of a name no synset has: ``(id, the name that
    placed it)``, or None."""
    placed = PLACED.get(dataset, {}).get(name)
    if placed is not None:
        return placed, 'placed'
    key = _alternatives(normalize_name(_split_camel(name.split(',')[0])))[0]
    domains = DATASET_DOMAINS.get(dataset, ())
    for candidate in _parent_candidates(key):
        for variant in [candidate] + _variants(candidate):
            cid = choose_sense(graph, [c for c in graph.senses(variant)
                                       if graph[c].is_wordnet], domains)
            if cid is not None:
                return cid, variant
    if dataset in DATASET_PARENTS:
        return DATASET_PARENTS[dataset], 'dataset parent'
    return None


def map_classes(class_names: Sequence[str],
                graph: Optional[ConceptGraph] = None,
                dataset: Optional[str] = None,
                overrides: Optional[Dict[str, str]] = None) -> ClassMapping:
    """Map class names onto concept ids.

    Args:
        class_names (Sequence[str]): The dataset's classes, in label order.
        graph (ConceptGraph, optional): Defaults to the shipped GV-D one.
        dataset (str, optional): The dataset's key, for its overrides,
            domain, parent and additions (:data:`SUPPORTED_DATASETS`).
        overrides (dict, optional): Class name -> concept id, over the
            dataset's :data:`OVERRIDES` (your own dataset's corrections).

    Returns:
        ClassMapping: One :class:`ClassMatch` per class, unmatched included.
    """
    graph = graph if graph is not None else load_concept_graph()
    for name, cid in (overrides or {}).items():
        graph[cid]  # an unknown id fails here, named
    matches = [match_class(name, graph, index, dataset, overrides)
               for index, name in enumerate(class_names)]
    # Two classes of one dataset are two concepts: where the name rules
    # give several the same synset, the one it names exactly (else the
    # first) keeps it; each other becomes a concept of its own under it.
    by_concept: Dict[str, List[ClassMatch]] = {}
    for match in matches:
        if match.kind in ('exact', 'synonym') and match.via != 'override':
            by_concept.setdefault(match.concept_id, []).append(match)
    for cid, group in by_concept.items():
        keep = next((m for m in group if m.kind == 'exact'), group[0])
        for match in group:
            if match is keep:
                continue
            own = addition_id(dataset, match.name) if dataset else None
            target = own if own in graph else cid
            matches[match.index] = ClassMatch(
                match.index, match.name, target, graph[target].name,
                'parent', f'{graph[cid].name!r}, as {keep.name!r}')
    return ClassMapping(matches)


def map_dataset(name: str,
                graph: Optional[ConceptGraph] = None) -> ClassMapping:
    """Map a supported dataset's classes (ImageNet's by their synsets)."""
    graph = graph if graph is not None else load_concept_graph()
    if name in SYNSET_LISTS:
        return ClassMapping([
            ClassMatch(i, graph[wnid].name if wnid in graph else wnid,
                       wnid if wnid in graph else None,
                       graph[wnid].name if wnid in graph else None,
                       'exact' if wnid in graph else 'unmatched', 'synset')
            for i, wnid in enumerate(synset_list(name))])
    return map_classes(dataset_classes(name), graph, name)


def shared_concepts(mapping_a: ClassMapping,
                    mapping_b: ClassMapping) -> List[str]:
    """The sorted concept ids that both mappings use."""
    ids_a = {m.concept_id for m in mapping_a.matched}
    ids_b = {m.concept_id for m in mapping_b.matched}
    return sorted(ids_a & ids_b)


def synset_list(name: str) -> Tuple[str, ...]:
    """The WordNet ids of ImageNet-1k / -21k's classes in label order,
    from the lists timm ships."""
    import timm
    path = osp.join(osp.dirname(timm.__file__), 'data', '_info',
                    SYNSET_LISTS[name])
    with open(path) as f:
        return tuple(line.strip() for line in f if line.strip())


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
    'objects365': ('mmdet.datasets.objects365',
                   'Objects365V2Dataset.METAINFO'),
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
    # GTSRB's METAINFO names its classes by folder (00000-00042); the
    # label system maps the signs, in the same order.
    'gtsrb': GTSRB_SIGN_NAMES,
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
SUPPORTED_DATASETS = tuple(sorted(set(_CLASS_TABLES) | set(_WRITTEN) |
                                  set(SYNSET_LISTS)))


def dataset_classes(name: str) -> Tuple[str, ...]:
    """The class names of a supported dataset, in label order.

    ``name`` is a GV-B key (``reference_results.json``) or one of
    ``'imagenet'``, ``'coco'``, ``'voc'``, ``'ade20k'``; see
    :data:`SUPPORTED_DATASETS` and :data:`UNSUPPORTED_DATASETS`.
    """
    if name in _WRITTEN:
        return tuple(_WRITTEN[name])
    if name == 'imagenet21k':  # no names but WordNet's
        return synset_list(name)
    if name not in _CLASS_TABLES:
        why = UNSUPPORTED_DATASETS.get(name, 'unknown dataset')
        raise KeyError(f'no class list for {name!r}: {why}; supported: '
                       f'{SUPPORTED_DATASETS}')
    return _class_table(*_CLASS_TABLES[name])
