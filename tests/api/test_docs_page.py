"""/docs is Swagger UI from the pinned npm package swagger-ui-dist, served from this origin under a
Content-Security-Policy of 'self' (service/api/docs.py); without the package it is a clear 503."""
from __future__ import annotations

import json
from html.parser import HTMLParser

from service.api import docs
from service.console import assets


class Resources(HTMLParser):
    """Every script, style sheet and icon a page names, and any inline script or style it carries."""

    def __init__(self, html: str):
        super().__init__()
        self.urls, self.inline = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "script":
            self.inline.append(tag)
        elif tag == "link":
            self.urls.append(attrs["href"])
        elif tag == "style" or "style" in attrs or any(name.startswith("on") for name in attrs):
            self.inline.append(tag)


def test_the_page_needs_no_key_and_allows_only_its_own_origin(anonymous, installed):
    response = anonymous.get("/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src" not in policy and "unsafe" not in policy
    assert "https:" not in policy and "http:" not in policy
    assert response.headers["Cache-Control"] == "no-store"


def test_the_page_loads_only_same_origin_scripts_and_styles(anonymous, installed):
    page = Resources(anonymous.get("/docs/").get_data(as_text=True))
    assert "/docs/vendor/swagger-ui-bundle.js" in page.urls and "/docs/vendor/swagger-ui.css" in page.urls
    assert all(url.startswith("/") and not url.startswith("//") for url in page.urls), page.urls
    assert not page.inline


def test_every_file_the_page_names_is_served_from_here(anonymous, installed, monkeypatch, tmp_path):
    monkeypatch.setattr(assets, "NODE_MODULES", tmp_path)         # stand-ins for the npm files
    for rel in assets.VENDOR.values():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("/* stand-in */")
    for url in Resources(anonymous.get("/docs").get_data(as_text=True)).urls:
        response = anonymous.get(url)
        assert response.status_code == 200, url
        response.close()


def test_the_start_script_calls_no_other_origin(anonymous):
    response = anonymous.get("/docs/static/docs.js")
    script = response.get_data(as_text=True)
    assert response.mimetype == "text/javascript" and "SwaggerUIBundle(" in script
    assert "http:" not in script and "https:" not in script and "validatorUrl: null" in script


def test_the_spec_the_page_reads_is_served_without_a_key(anonymous):
    html = (docs.PAGE_DIR / "index.html").read_text(encoding="utf-8")
    assert 'data-spec="/openapi.json"' in html
    assert anonymous.get("/openapi.json").get_json()["info"]["title"] == "idgraph"


def test_only_the_listed_library_files_are_served(anonymous):
    assert anonymous.get("/docs/vendor/swagger-initializer.js").status_code == 404   # the npm demo page's
    assert anonymous.get("/docs/vendor/..%2Fpackage-lock.json").status_code == 404
    assert anonymous.get("/docs/static/..%2F..%2Fapi%2Fdocs.py").status_code == 404


def test_without_its_library_the_page_says_why_and_the_spec_still_answers(anonymous, missing):
    response = anonymous.get("/docs")
    assert response.status_code == 503 and b"npm ci" in response.data and b"API docs" in response.data
    assert anonymous.get("/openapi.json").status_code == 200


def test_redoc_is_gone_rather_than_blank(anonymous):
    assert anonymous.get("/redoc").status_code == 404     # it loaded its script from a CDN; /docs stays


def test_swagger_ui_is_pinned_to_one_exact_version():
    wanted = json.loads((assets.CONSOLE_DIR / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert wanted["swagger-ui-dist"] == assets._locked_versions()["node_modules/swagger-ui-dist"]
