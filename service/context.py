"""Request-time access to the store and settings that create_app attached."""
from __future__ import annotations

from flask import current_app

from graph.config import Settings
from graph.matching import Model
from graph.matching.model_file import active_model
from graph.resolution.decision import Thresholds
from graph.resolution.relatives_prior import stored_model
from graph.store.driver import Store


def store() -> Store:
    return current_app.extensions["idgraph"]["store"]


def settings() -> Settings:
    return current_app.extensions["idgraph"]["settings"]


def match_model() -> tuple[Model, Thresholds]:
    """The match model in use as it weighs records against this store, and its thresholds."""
    model = store().read(stored_model, settings(), active_model(settings()).model)
    return model, Thresholds.of(model)
