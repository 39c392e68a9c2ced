"""Heads of mmintern.

``DenseDepthHead`` subclasses mmseg's ``BaseDecodeHead``, so it is not
imported here (``import mmintern`` does not import mmseg): mmintern's model
registry imports ``dense_depth_head`` on its first lookup, e.g. of
``type='mmintern.DenseDepthHead'`` in a config.
"""
