"""Request-time access to the store and settings that create_app attached."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app

from graph.config import Settings
from graph.matching import Model
from graph.matching.model_file import active_model
from graph.resolution.decision import Thresholds
from graph.resolution.relatives_prior import stored_model
from graph.store.driver import Store

T = TypeVar("T")


def store() -> Store:
    return current_app.extensions["idgraph"]["store"]


def settings() -> Settings:
    return current_app.extensions["idgraph"]["settings"]


def read_scored(work: Callable[[Any, Model, Thresholds], T]) -> T:
    """`work(tx, model, thresholds)` in one read transaction, with the match model in use as it
    weighs records against this store (relatives_prior.stored_model) and its thresholds."""
    current = settings()
    trained = active_model(current).model

    def scored(tx) -> T:
        model = stored_model(tx, current, trained)
        return work(tx, model, Thresholds.of(model))
    return store().read(scored)
