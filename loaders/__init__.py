"""Outside data -> :class:`~loaders.records.Paper` records.

One module per source format; :func:`loaders.detect.load_path` picks the right one by content.
This package never imports ``graph``.
"""
