"""Request-time access to the store and settings that create_app attached."""
from __future__ import annotations

from flask import current_app

from graph.config import Settings
from graph.store.driver import Store


def store() -> Store:
    return current_app.extensions["idgraph"]["store"]


def settings() -> Settings:
    return current_app.extensions["idgraph"]["settings"]
