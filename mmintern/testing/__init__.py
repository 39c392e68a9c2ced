"""Test fixtures of mmintern (as ``mmdet.testing``): tiny samples of the GV-B
datasets in their real layouts, for the tests and ``make demo``. Not
imported by ``import mmintern``."""
