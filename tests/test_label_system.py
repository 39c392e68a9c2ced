"""Tests of the GV-D label system (taxonomy, class mapping, generator)."""
import importlib.util
import os.path as osp

import pytest

from mmintern.datasets.label_system import (DEFAULT_TAXONOMY_FILE, Taxonomy,
                                            dataset_classes, load_taxonomy,
                                            map_classes, map_dataset,
                                            match_class, shared_concepts)

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
BUILD_SCRIPT = osp.join(ROOT, 'tools', 'dataset_converters',
                        'build_gvd_taxonomy.py')


@pytest.fixture(scope='module')
def taxonomy():
    return load_taxonomy()


@pytest.fixture(scope='module')
def builder():
    spec = importlib.util.spec_from_file_location('build_gvd_taxonomy',
                                                  BUILD_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_match_kinds(taxonomy):
    tench = match_class('tench', taxonomy)
    assert (tench.kind, tench.concept_name) == ('exact', 'tench')
    latin = match_class('Tinca tinca', taxonomy)
    assert latin.kind == 'synonym' and latin.concept_id == tench.concept_id
    # the full ImageNet string maps to the same concept
    full = map_classes(['tench, Tinca tinca'], taxonomy).matches[0]
    assert full.concept_id == tench.concept_id and full.kind == 'exact'

    retriever = match_class('golden_retriever', taxonomy)
    assert retriever.kind == 'exact'
    assert 'dog' in taxonomy.path(retriever.concept_id)[:-1]

    bicycle = taxonomy.id_of('bicycle')
    racing = match_class('racing bicycle', taxonomy)
    assert (racing.kind, racing.concept_id) == ('parent', bicycle)
    # 'mountain bike' is an ImageNet leaf under 'bicycle' in the full tree
    assert taxonomy[taxonomy.id_of('mountain bike')].parent == bicycle


def test_parent_match_on_top_only(builder):
    top = Taxonomy(builder.parse_top())
    match = match_class('mountain bike', top)
    assert (match.kind, match.concept_name, match.via) == ('parent',
                                                           'bicycle', 'bike')
    assert match_class('Mountain-Bike', top).concept_name == 'bicycle'


def test_unmatched_listed(taxonomy):
    mapping = map_classes(['dog', 'xqzzv blorf', 'cat'], taxonomy)
    assert len(mapping) == 3
    assert mapping.unmatched == ['xqzzv blorf']
    assert mapping.concept_ids[1] is None
    assert mapping['xqzzv blorf'].kind == 'unmatched'
    assert mapping.counts() == dict(exact=2, synonym=0, parent=0,
                                    unmatched=1)


def test_taxonomy_is_a_tree(taxonomy):
    ids = [c.id for c in taxonomy]
    assert len(ids) == len(set(ids)) == len(taxonomy)
    assert taxonomy.root.name == 'entity'
    for concept in taxonomy:
        assert concept.parent is None or concept.parent in taxonomy
        path = [concept.id] + taxonomy.ancestors(concept.id)
        assert len(path) == len(set(path)) and path[-1] == taxonomy.root.id
    with pytest.raises(ValueError):  # a cycle is caught
        Taxonomy([dict(id=1, name='a', parent=None),
                  dict(id=2, name='b', parent=3),
                  dict(id=3, name='c', parent=2)])
    with pytest.raises(ValueError):  # a missing parent is caught
        Taxonomy([dict(id=1, name='a', parent=None),
                  dict(id=2, name='b', parent=9)])


def test_ids_stable_across_loads(taxonomy):
    again = Taxonomy.load(DEFAULT_TAXONOMY_FILE)
    assert [c.to_dict() for c in again] == [c.to_dict() for c in taxonomy]
    assert again.id_of('dog') == taxonomy.id_of('dog')
    # ImageNet leaves take 10000 + class index
    assert taxonomy.id_of('tench') == 10000
    assert taxonomy.id_of('golden retriever') == 10207


def test_voc_all_map_and_share_with_coco(taxonomy):
    voc = map_dataset('voc', taxonomy)
    assert len(voc) == 20 and voc.unmatched == []
    for name in ('person', 'car', 'dog', 'cat', 'bicycle', 'bus'):
        assert voc[name].concept_name == name
    assert voc['aeroplane'].concept_name == 'airplane'
    assert voc['tvmonitor'].concept_name == 'television'
    coco = map_dataset('coco', taxonomy)
    assert len(coco) == 80 and coco.unmatched == []
    assert coco['mouse'].concept_name == 'computer mouse'
    shared = shared_concepts(coco, voc)
    for name in ('dog', 'car', 'person'):
        assert taxonomy.id_of(name) in shared
    assert len(shared) == 20  # every VOC class is a COCO class


def test_dataset_classes():
    assert len(dataset_classes('imagenet')) == 1000
    assert len(dataset_classes('flowers102')) == 102
    assert len(dataset_classes('ade20k')) == 150
    assert dataset_classes('voc2012')[0] == 'background'
    from mmintern.gvb.datasets import GTSRB, SVHNMat
    assert dataset_classes('svhn') == tuple(SVHNMat.METAINFO['classes'])
    assert dataset_classes('gtsrb') == tuple(GTSRB.METAINFO['classes'])
    with pytest.raises(KeyError):
        dataset_classes('ucf101')
    pets = map_dataset('pets')
    dog, cat = (load_taxonomy().id_of(n) for n in ('dog', 'cat'))
    for match in pets.matches:
        expected = cat if match.name[0].isupper() else dog
        assert expected in load_taxonomy().ancestors(match.concept_id)


def test_generator_deterministic_and_shipped(builder):
    first = builder.dumps(builder.build())
    second = builder.dumps(builder.build())
    assert first.encode() == second.encode()
    with open(DEFAULT_TAXONOMY_FILE, encoding='utf-8') as f:
        assert f.read() == first
