"""The JSON nesting cap that keeps a parser from recursing into a hostile body."""
from __future__ import annotations

from service.limits import MAX_JSON_DEPTH, json_too_deep


def test_ordinary_bodies_are_not_too_deep():
    assert not json_too_deep(b"")
    assert not json_too_deep(b'{"records": [{"name": {"given": "Ada"}, "identifiers": [{"type": "email"}]}]}')
    assert not json_too_deep(b"[[]]" * 1000)   # many brackets, little depth


def test_depth_is_counted_to_the_limit_and_past_it():
    at_limit = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    assert not json_too_deep(at_limit)
    assert json_too_deep(b"[" + at_limit + b"]")
    assert json_too_deep(b"[" * 100_000)   # unclosed, as an attacker sends it


def test_brackets_inside_strings_do_not_count():
    assert not json_too_deep(b'["' + b"[{" * 500 + b'"]')
    assert not json_too_deep(b'["\\"' + b"[" * 500 + b'"]')   # an escaped quote does not end the string
