"""``python -m graph`` is the ``paperkg`` command."""

from graph.cli import main

main()
