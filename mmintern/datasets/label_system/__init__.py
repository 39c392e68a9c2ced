"""The GV-D label system of INTERN: a concept graph on WordNet 3.0's nouns
(plus the concepts WordNet lacks) and the mapping of each dataset's class
names onto its concept ids."""
from .graph import (DEFAULT_GRAPH_FILE, Concept, ConceptGraph,
                    load_concept_graph, normalize_name)
from .mapping import (OVERRIDES, SUPPORTED_DATASETS,
                      UNSUPPORTED_DATASETS, ClassMapping, ClassMatch,
                      addition_id, dataset_classes, map_classes, map_dataset,
                      match_class, shared_concepts)

__all__ = [
    'Concept', 'ConceptGraph', 'load_concept_graph', 'normalize_name',
    'DEFAULT_GRAPH_FILE', 'ClassMatch', 'ClassMapping', 'map_classes',
    'match_class', 'map_dataset', 'shared_concepts', 'dataset_classes',
    'addition_id', 'OVERRIDES', 'SUPPORTED_DATASETS',
    'UNSUPPORTED_DATASETS'
]
