"""The Neo4j Browser style sheet (cypher/idgraph.grass) styles every label and relationship type
the code writes: each label gets a colour and a caption, each type a colour."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import tinycss2

from graph.model import KINDS

ROOT = Path(__file__).resolve().parents[2]
GRASS = ROOT / "cypher" / "idgraph.grass"
QUERY_MODULES = sorted((ROOT / "graph" / "store").glob("queries*.py"))
NODE_LABELS = re.compile(r"\(\w*((?::[A-Z]\w*)+)")           # (p:Person  (n:Identifier:SocialHandle
REL_TYPES = re.compile(r"\[\w*:([A-Z][A-Z_]*(?:\|[A-Z][A-Z_]*)*)")   # [:DESCRIBES  [l:HAS_PHONE|USED_DEVICE


def parse_grass(text: str) -> dict[tuple[str, str | None], dict[str, str]]:
    """{("node", "Person"): {"color": "#4C8EDA", "caption": "{displayName}", ...}, ("node", None): ...}"""
    styles = {}
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        assert rule.type == "qualified-rule", f"unexpected {rule.type} in the style sheet"
        selector = tinycss2.serialize(rule.prelude).strip()
        kind, _, name = selector.partition(".")
        declarations = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
        styles[(kind, name or None)] = {d.name: tinycss2.serialize(d.value).strip()
                                        for d in declarations if d.type == "declaration"}
    return styles


def cypher_text() -> str:
    """Every string constant of the Cypher modules (f-string pieces included) and the cookbook."""
    parts = [node.value for path in QUERY_MODULES for node in ast.walk(ast.parse(path.read_text()))
             if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    return "\n".join(parts + [p.read_text() for p in sorted((ROOT / "cypher").glob("*.cypher"))])


def labels_in_code() -> set[str]:
    found = {label for m in NODE_LABELS.finditer(cypher_text()) for label in m[1].strip(":").split(":")}
    # Identifier labels and link types are built from the KINDS table, not spelled out in Cypher.
    return found | {"Identifier"} | {k.label for k in KINDS.values()}


def types_in_code() -> set[str]:
    found = {t for m in REL_TYPES.finditer(cypher_text()) for t in m[1].split("|")}
    return found | {k.rel for k in KINDS.values()}


@pytest.fixture(scope="module")
def styles():
    return parse_grass(GRASS.read_text(encoding="utf-8"))


def test_the_scan_finds_the_model_labels_and_types():
    assert {"Person", "SourceRecord", "Company", "Household", "ApiKey", "AuditEvent"} <= labels_in_code()
    assert {"DESCRIBES", "MERGED_INTO", "WORKS_AT", "MEMBER_OF", "FOLLOWS", "MENTIONS"} <= types_in_code()


def test_defaults_for_nodes_and_relationships(styles):
    assert {"color", "diameter"} <= set(styles[("node", None)])
    assert styles[("relationship", None)]["caption"] == '"<type>"'


@pytest.mark.parametrize("label", sorted(labels_in_code()))
def test_every_label_the_code_writes_has_a_colour_and_a_caption(styles, label):
    style = styles.get(("node", label))
    assert style, f"cypher/idgraph.grass has no node.{label} rule"
    assert re.fullmatch(r"#[0-9A-Fa-f]{6}", style.get("color", "")), f"node.{label} needs a colour"
    assert re.fullmatch(r'"(\{\w+\}|<id>)"', style.get("caption", "")), f"node.{label} needs a caption"


@pytest.mark.parametrize("rel_type", sorted(types_in_code()))
def test_every_relationship_type_has_a_colour(styles, rel_type):
    style = styles.get(("relationship", rel_type))
    assert style and re.fullmatch(r"#[0-9A-Fa-f]{6}", style.get("color", "")), \
        f"cypher/idgraph.grass has no colour for relationship.{rel_type}"


def test_labels_have_distinct_colours_within_their_group(styles):
    """Identifier kinds, and the main entities, must be told apart at a glance."""
    kinds = [styles[("node", k.label)]["color"].lower() for k in KINDS.values()]
    main = [styles[("node", label)]["color"].lower() for label in ("Person", "SourceRecord", "Company", "Household")]
    assert len(set(kinds)) == len(kinds) and len(set(main)) == len(main)


def test_an_api_key_is_captioned_by_its_id_never_its_hash(styles):
    assert styles[("node", "ApiKey")]["caption"] == '"{keyId}"'
