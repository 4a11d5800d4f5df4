"""The idgraph guide for Neo4j Browser, built from the cookbook on every request, and the style sheet.

    python3 cypher/guide/serve.py            # then, in Browser:  :guide http://localhost:8001/idgraph.html

Browser fetches guides (`:guide <url>`, `:play <url>`) and style sheets (`:style <url>`) from the
page itself, so the answers need CORS headers (python -m http.server sends none), and only from
hosts on the server's `browser.remote_content_hostname_allowlist`, whose default names `localhost`.
The guide is built from cypher/*.cypher at each request: it cannot fall behind the cookbook.
Standard library only, so analysts need nothing but Python.
"""
from __future__ import annotations

import argparse
import html
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CYPHER = Path(__file__).resolve().parents[1]
GUIDE, GRASS = "/idgraph.html", "/idgraph.grass"
PICTURE = CYPHER / "browser" / "02_person_360_graph.cypher"
PARAM = re.compile(r"^// (:param \w+ => .+)$")


def parts(path: Path) -> tuple[list[str], list[str], str]:
    """A cookbook file's description lines, its `:param` commands and its statement."""
    lines = path.read_text(encoding="utf-8").splitlines()
    params = [m[1] for m in map(PARAM.match, lines) if m]
    about = [ln[2:].strip() for ln in lines if ln.startswith("//") and not PARAM.match(ln)]
    statement = "\n".join(ln for ln in lines if not ln.startswith("//")).strip()
    return about, params, statement


def runnable(text: str) -> str:
    """Browser copies a `pre.runnable` into its editor when clicked."""
    return f'<pre class="runnable">{html.escape(text)}</pre>'


def query_slide(path: Path) -> str:
    about, params, statement = parts(path)
    title = path.stem.replace("_", " ")
    return (f"<slide class=\"row-fluid\"><div class=\"col-sm-12\"><h3>{html.escape(title)}</h3>"
            f"<p>{html.escape(' '.join(about))}</p>"
            f"<p>Click a block to copy it into the editor, then run it: first the parameters, then the query.</p>"
            f"{''.join(map(runnable, params))}{runnable(statement)}</div></slide>")


def start_slide(base_url: str) -> str:
    return ("<slide class=\"row-fluid\"><div class=\"col-sm-12\"><h3>idgraph: the analyst cookbook</h3>"
            "<p>One slide per query in the repository's <code>cypher/</code> folder, each with the "
            "parameters that find the demo data's customers. Load the idgraph colours and captions first:</p>"
            f"{runnable(f':style {base_url}{GRASS}')}"
            "<p>The next slide draws one customer, Jane Smith, as a graph; the others return tables. "
            "Queries that read scores show what the last <code>idgraph analytics refresh</code> wrote.</p>"
            "</div></slide>")


def build(base_url: str) -> str:
    """The guide as Browser's slide HTML; `base_url` is where this server answers (for `:style`)."""
    slides = [start_slide(base_url), query_slide(PICTURE)]
    slides += [query_slide(path) for path in sorted(CYPHER.glob("*.cypher"))]
    return ("<!DOCTYPE html><html><head><title>idgraph cookbook</title></head><body>"
            "<article class=\"guide\"><carousel class=\"deck container-fluid\">"
            f"{''.join(slides)}</carousel></article></body></html>")


class Handler(BaseHTTPRequestHandler):
    def do_OPTIONS(self) -> None:     # the CORS preflight: Browser's fetches send headers of their own
        self._answer(204, b"", "text/plain")

    def do_GET(self) -> None:
        if self.path == GUIDE:
            self._answer(200, build(f"http://{self.headers['Host']}").encode(), "text/html; charset=utf-8")
        elif self.path == GRASS:
            self._answer(200, (CYPHER / "idgraph.grass").read_bytes(), "text/plain; charset=utf-8")
        else:
            self._answer(404, f"only {GUIDE} and {GRASS} are here\n".encode(), "text/plain")

    def _answer(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        # Browser runs on another origin (the Neo4j server's); what is served here is public anyway.
        self.send_header("Access-Control-Allow-Origin", "*")
        # Browser adds no-cache and tracing headers of its own: allow whichever the preflight names.
        self.send_header("Access-Control-Allow-Headers", self.headers.get("Access-Control-Request-Headers", "*"))
        self.end_headers()
        self.wfile.write(body)


def server(port: int = 8001, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    return ThreadingHTTPServer((host, port), Handler)


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--port", type=int, default=8001)
    port = args.parse_args().port
    with server(port) as httpd:
        print(f"In Neo4j Browser run   :guide http://localhost:{port}{GUIDE}\n"
              f"and for the style      :style http://localhost:{port}{GRASS}\n(Ctrl+C stops)", flush=True)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
