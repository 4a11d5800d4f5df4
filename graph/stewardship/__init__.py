"""Stewardship: manual merge and split, decisions that stick, the review queue, feedback on facts,
and the labelled pairs they leave for training."""
