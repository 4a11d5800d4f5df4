"""Anonymous visitors: a cookie or device and its events, identified later or never, and what the
statistic twins (graph/twins) say about them and about persons."""
