"""Touchpoints: events stored beside the records they attach to, and a person's timeline."""
