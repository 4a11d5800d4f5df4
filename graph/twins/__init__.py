"""Statistic twins: behaviour profiles from events, and segments and intentions predicted for a
visitor (or a person) from the known customers who behave most like them. Pure: no database, no web.

- features.py: the one behaviour profile, for visitors and persons alike.
- special.py: the special categories of personal data, refused as features, targets and answers.
- model.py: the twin model (k nearest known customers), its abstention rule and its explanations.
- model_file.py: the versioned model file `idgraph twins train` writes.
"""
