"""paperkg's graph side: workspace, concepts and techniques, the typed graph, analysis and exports.

The public Python API is :mod:`graph.api`; the ``paperkg`` command is :mod:`graph.cli`.
"""

__version__ = "0.1.0"
