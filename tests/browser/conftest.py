"""A real browser against the real app: Debian's Chromium driven by Playwright, the app served by
waitress on a free loopback port over the session's embedded graph server with the demo loaded.

Chromium is installed with apt-get when missing (the test machines run as root and reach Debian's
packages). The console's npm libraries are installed the way `idgraph serve` installs them
(service/console/assets.py). If either cannot be installed the tests fail, saying why: the console
is only proven in a real browser.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import threading

import pytest

from graph.access import apikeys
from tests.integration.demo_graph import load_demo

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling home on a closed network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
APT_TIMEOUT = 900


def _apt(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    return subprocess.run(["apt-get", *args], check=False, capture_output=True, text=True, timeout=APT_TIMEOUT, env=env)


def _install_chromium() -> str | None:
    """None once /usr/bin/chromium exists, else why it could not be installed."""
    if os.path.exists(CHROMIUM):
        return None
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        return "Chromium is missing and apt-get is unavailable or this is not root"
    try:
        done = _apt("install", "-y", "-q", "chromium")
        if done.returncode != 0:     # an empty or stale package list: fetch it, then try again
            _apt("update", "-q")
            done = _apt("install", "-y", "-q", "chromium")
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"apt-get install chromium failed: {exc}"
    if done.returncode != 0 or not os.path.exists(CHROMIUM):
        return f"apt-get install chromium failed: {' / '.join(done.stderr.strip().splitlines()[-3:])}"
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    reason = _install_chromium()
    if reason:
        pytest.fail(f"{reason}; install Debian's chromium package, then run the tests again")
    return CHROMIUM


@pytest.fixture(scope="session")
def console_assets():
    from service.console import assets
    try:
        assets.ensure()
    except assets.AssetsUnavailable as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def demo_app(session_store, settings, console_assets):
    """The demo data loaded as `idgraph demo` loads it, and the app over it."""
    from service import create_app
    load_demo(session_store, settings)
    return create_app(settings, session_store)


@pytest.fixture(scope="module")
def live_server(demo_app):
    """The app served by waitress on a free loopback port, in a thread, for as long as the module runs."""
    from waitress import create_server
    server = create_server(demo_app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def agent_key(demo_app, session_store) -> str:
    return apikeys.issue(session_store, "agent", "browser test").key


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh tab (fresh sessionStorage) that records the page's own errors and console errors."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, base_url=live_server)
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    tab.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    yield tab
    context.close()
