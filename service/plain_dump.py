"""A response schema's dump without marshmallow, for a hot route whose schema only names its fields.

flask-smorest dumps every answer through its schema; for a schema of strings and untyped dicts and
lists of dicts that dump is the answer's declared keys as they are (marshmallow copies each dict).
Walking some 25 fields through marshmallow was about 4% of a who-is-this's API CPU (issue 17).
"""
from __future__ import annotations

import functools

from flask import current_app
from marshmallow import Schema, fields


def _as_is(field: fields.Field) -> bool:
    """Whether dumping `field` gives the value as it is (as JSON): a string, an untyped dict, a
    dict of counts, or a list of those."""
    if field.data_key is not None or field.attribute is not None:
        return False
    if isinstance(field, fields.List):
        return _as_is(field.inner)
    if isinstance(field, fields.Dict):
        keys, values = field.key_field, field.value_field
        return (keys is None and values is None) or (
            isinstance(keys, fields.String) and isinstance(values, fields.Integer))
    return type(field) is fields.String


def plain_dump(schema: Schema):
    """`schema.dump` for a schema that only names its fields: a function keeping a dict's declared
    keys. Refuses, at import, a schema whose dump would change a value."""
    changed = sorted(name for name, field in schema.fields.items() if not _as_is(field))
    if changed:
        raise ValueError(f"{type(schema).__name__} dumps {changed} by type: use its dump")
    names = frozenset(schema.fields)
    return lambda result: {k: v for k, v in result.items() if k in names}


def dumped_as(schema: Schema):
    """Answer the decorated view's dict as JSON with only `schema`'s fields, exactly as
    `schema.dump` would (plain_dump); goes between `@blp.response(..., schema)` (which documents
    it, and passes a Response through) and the view."""
    dump = plain_dump(schema)

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            return current_app.json.response(dump(view(*args, **kwargs)))
        return wrapper
    return decorator
