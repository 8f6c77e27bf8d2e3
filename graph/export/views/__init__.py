"""Interactive HTML views of the typed graph (PyVis / vis-network), each one self-contained and offline.

* :func:`write_overview` - papers coloured by community and techniques, aggregated above a node budget;
* :func:`write_focus` - the ego network of a paper, technique, concept or author;
* :func:`write_community` - one community's papers and the techniques they use;
* :func:`write_technique_map` - techniques linked by co-use, weighted by the number of shared papers.

Positions are computed here (seeded), so pages draw at once with physics off; each page has a legend,
a search box, tooltips, a details panel and a physics toggle (see docs/views.md).

>>> import networkx as nx, tempfile, pathlib
>>> G = nx.MultiDiGraph()
>>> G.add_node("paper:p1", kind="paper", title="SlimFlow", community=0, pagerank=0.5)
>>> G.add_node("technique:distillation", kind="technique", label="distillation", df=1)
>>> G.add_edge("paper:p1", "technique:distillation", key="USES_TECHNIQUE", kind="USES_TECHNIQUE")
'USES_TECHNIQUE'
>>> page = write_overview(G, pathlib.Path(tempfile.mkdtemp()) / "graph.html", {0: "flows"})
>>> "<script src=" in page.read_text()
False
"""

# The package's public names are the pages module's own list (one list, not a copy).
from graph.export.views.pages import *  # noqa: F403
from graph.export.views.pages import __all__ as __all__
