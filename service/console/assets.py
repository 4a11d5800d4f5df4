"""The JavaScript libraries of the agent console (/console) and the API docs (/docs, Swagger UI):
installed by `npm ci` from package-lock.json, never vendored.

`idgraph serve` and `idgraph demo` call `ensure()` before serving; the browser test's fixture does
too. Without Node.js and npm both pages answer 503 with the reason, and the API is unaffected.
Install scripts never run (--ignore-scripts): swagger-ui-dist pulls in @scarf/scarf, whose install
script reports the installation to its vendor (package.json's scarfSettings also turns it off).
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

CONSOLE_DIR = Path(__file__).resolve().parent
STATIC_DIR = CONSOLE_DIR / "static"
NODE_MODULES = CONSOLE_DIR / "node_modules"
# The files the page loads, by the name it asks for: nothing else under node_modules is served.
VENDOR = {"cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",           # /console
          "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",   # /docs
          "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
          "swagger-favicon.png": "swagger-ui-dist/favicon-32x32.png"}
NPM_CI = ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"]
TIMEOUT_SECONDS = 600


class AssetsUnavailable(RuntimeError):
    """The libraries are missing and could not be installed; the message says why and what to do."""


def vendor_file(name: str) -> Path | None:
    return NODE_MODULES / VENDOR[name] if name in VENDOR else None


def _locked_versions() -> dict[str, str]:
    lock = json.loads((CONSOLE_DIR / "package-lock.json").read_text(encoding="utf-8"))
    return {path: entry["version"] for path, entry in lock["packages"].items() if path.startswith("node_modules/")}


def _installed_version(package_path: str) -> str | None:
    manifest = CONSOLE_DIR / package_path / "package.json"
    try:
        return json.loads(manifest.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        return None


def installed() -> bool:
    """Every locked package at its locked version, and every served file present."""
    return (all(_installed_version(path) == version for path, version in _locked_versions().items())
            and all((NODE_MODULES / rel).is_file() for rel in VENDOR.values()))


def ensure() -> bool:
    """Install the libraries if they are missing or stale; True if it had to run npm."""
    if installed():
        return False
    if shutil.which("npm") is None:
        raise AssetsUnavailable("npm is not installed, so the JavaScript libraries of /console and /docs "
                                f"cannot be installed; install Node.js and npm, then run `npm ci` in {CONSOLE_DIR} "
                                "(the REST API works without them)")
    try:
        done = subprocess.run(NPM_CI, cwd=CONSOLE_DIR, check=False, capture_output=True, text=True,
                              timeout=TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AssetsUnavailable(f"`npm ci` in {CONSOLE_DIR} failed to run: {exc}") from exc
    if done.returncode != 0 or not installed():
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise AssetsUnavailable(f"`npm ci` in {CONSOLE_DIR} failed (exit {done.returncode}): {' / '.join(tail)}")
    return True
