"""The GV-D label system of INTERN: a concept taxonomy with synonyms and the
mapping of each dataset's class names onto its concept ids."""
from .mapping import (DATASET_ALIASES, SUPPORTED_DATASETS,
                      UNSUPPORTED_DATASETS, ClassMapping, ClassMatch,
                      dataset_classes, map_classes, map_dataset, match_class,
                      shared_concepts)
from .taxonomy import (DEFAULT_TAXONOMY_FILE, Concept, Taxonomy,
                       load_taxonomy, normalize_name)

__all__ = [
    'Concept', 'Taxonomy', 'load_taxonomy', 'normalize_name',
    'DEFAULT_TAXONOMY_FILE', 'ClassMatch', 'ClassMapping', 'map_classes',
    'match_class', 'map_dataset', 'shared_concepts', 'dataset_classes',
    'DATASET_ALIASES', 'SUPPORTED_DATASETS', 'UNSUPPORTED_DATASETS'
]
