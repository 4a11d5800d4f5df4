"""The REST API: a thin Flask + flask-smorest layer over graph's use cases."""
from __future__ import annotations

import atexit
import datetime as dt
import logging

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask_smorest import Api

from graph import config
from graph.access import audit as audit_log
from graph.errors import StoreUnavailable
from graph.store import schema
from graph.store.driver import Store, connect
from service import auth, errors, lean_whois
from service.api import (
    audit,
    console,
    docs,
    events,
    explain,
    health,
    households,
    keys,
    lifecycle,
    persons,
    privacy,
    records,
    relationships,
    signals,
    social,
    stewardship,
    visitors,
)

log = logging.getLogger(__name__)


class JSONProvider(DefaultJSONProvider):
    """ISO 8601 dates and times, not Flask's default HTTP-date format."""

    @staticmethod
    def default(o):
        if isinstance(o, (dt.date, dt.datetime)):
            return o.isoformat()
        return DefaultJSONProvider.default(o)


def create_app(settings: config.Settings | None = None, store: Store | None = None,
               shared_limits: str | None = None) -> Flask:
    """`shared_limits`: a file for the rate-limit buckets when several processes serve the API."""
    app = Flask(__name__)
    app.json = JSONProvider(app)
    settings = settings or config.load()
    app.config.update(
        API_TITLE="idgraph", API_VERSION="v1", OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/", OPENAPI_JSON_PATH="openapi.json",
        MAX_CONTENT_LENGTH=16 * 1024 * 1024, JSON_SORT_KEYS=False,
        API_SPEC_OPTIONS={"security": auth.SECURITY}, IDGRAPH_RATE_LIMIT=settings.rate_limit,
    )
    if store is None:
        store = connect(settings)
        atexit.register(store.close)
    try:
        schema.ensure(store)
    except StoreUnavailable:
        log.warning("the graph database is unreachable at start; the schema is applied once it answers")
    if settings.audit_spool:
        audit_log.use_spool(store, settings.audit_spool)
        atexit.register(audit_log.stop_spool, store)   # before store.close: atexit runs last-in first
    app.extensions["idgraph"] = {"store": store, "settings": settings}
    api = Api(app)
    errors.init_app(app, api)
    auth.init_app(app, api, shared_limits)
    for blueprint in (records.blp, persons.blp, privacy.blp, audit.blp, keys.blp, health.blp):
        api.register_blueprint(blueprint)
    for blueprint in (relationships.blp, social.blp):
        api.register_blueprint(blueprint)
    api.register_blueprint(explain.blp)
    api.register_blueprint(events.blp)
    api.register_blueprint(lifecycle.blp)
    api.register_blueprint(signals.blp)
    api.register_blueprint(visitors.blp)
    api.register_blueprint(stewardship.blp)
    api.register_blueprint(households.blp)
    app.register_blueprint(console.bp)   # a plain page, outside the OpenAPI document
    app.register_blueprint(docs.bp)      # likewise: Swagger UI from npm, not flask-smorest's CDN page
    app.wsgi_app = lean_whois.LeanWhois(app, app.wsgi_app)   # type: ignore[method-assign]
    return app
