"""Everything Neo4j: Cypher (``cypher``, every statement), driver loading (``load``), bulk-import files (``bulk``),
rows shared by both (``rows``), queries and presets (``query``, ``table``) and GDS analysis (``gds``).

Only this package imports the ``neo4j`` driver. It is not named ``neo4j`` so that it never shadows the driver.
"""
