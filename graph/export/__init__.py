"""Exports of the analysed graph: files anyone can open (``files``), the report, Neo4j and PyVis views."""
