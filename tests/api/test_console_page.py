"""/console is a static page served without a key, locked to its own origin; its libraries come
from npm (service/console/assets.py) and their absence is a clear 503, never a broken API."""
from __future__ import annotations

import pytest

from service.console import assets


def test_the_page_needs_no_key_and_allows_only_its_own_origin(anonymous, installed):
    response = anonymous.get("/console")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert b'src="/console/vendor/cytoscape.min.js"' in response.data
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src" not in policy   # scripts: this origin only
    assert response.headers["Cache-Control"] == "no-store"


def test_the_page_carries_no_external_script_or_style(anonymous, installed):
    html = anonymous.get("/console/").get_data(as_text=True)
    assert "http://" not in html and "https://" not in html and "<script>" not in html


def test_scripts_and_styles_are_served(anonymous):
    for path, mimetype in (("/console/static/console.js", "text/javascript"),
                           ("/console/static/console.css", "text/css")):
        response = anonymous.get(path)
        assert response.status_code == 200 and response.mimetype == mimetype
        response.close()


def test_only_the_listed_library_files_are_served(anonymous):
    assert anonymous.get("/console/vendor/package.json").status_code == 404
    assert anonymous.get("/console/vendor/..%2Fpackage-lock.json").status_code == 404
    assert anonymous.get("/console/static/../package.json").status_code == 404


def test_without_its_libraries_the_console_says_why_and_the_api_still_answers(anonymous, missing, client):
    response = anonymous.get("/console")
    assert response.status_code == 503 and b"npm ci" in response.data
    assert client.get("/v1/whois?type=email&value=nobody@example.org").status_code == 404


def test_installing_without_npm_names_what_to_do(monkeypatch, missing):
    monkeypatch.setattr(assets.shutil, "which", lambda name: None)
    with pytest.raises(assets.AssetsUnavailable, match="install Node.js and npm"):
        assets.ensure()


def test_the_lock_pins_every_library_the_page_loads():
    locked = assets._locked_versions()
    assert all(f"node_modules/{path.split('/')[0]}" in locked for path in assets.VENDOR.values())
