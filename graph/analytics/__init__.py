"""Pure analytics: households, PageRank over the social graph, value/reach/priority scores.

No flask, no neo4j: functions take and return dataclasses, dicts and networkx graphs. The store
reads the pieces (graph/relationships/: refresh.py, network.py, influence.py) and writes results.
"""
