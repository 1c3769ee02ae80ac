"""`presswork serve` as an author runs it: MkDocs' server shows the site at its address, and the next
port shows the PDF, the EPUB and the saved chapter's findings, built again after each save; Ctrl-C
ends it all and leaves nothing behind."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

import pypdf
from conftest import CACHE


def _ports() -> int:
    """A port that is free, with the one after it."""
    for _ in range(50):
        with socket.socket() as first, socket.socket() as second:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            try:
                second.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
            return port
    raise AssertionError("no two free ports in a row")


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def _built(preview: str, version: int, timeout: float = 600) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = json.loads(_get(preview + "status.json"))
        except OSError:
            state = {}
        if state.get("version", 0) >= version and state.get("state") in ("ready", "failed"):
            return state
        time.sleep(0.5)
    raise AssertionError(f"no build {version} within {timeout} s: {state}")


def _pdf_text(preview: str, state: dict) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(_get(preview + state["pdf"]))).pages)


def test_serve_previews_the_pdf_the_epub_and_the_saved_chapter_s_findings(tmp_path):
    book = tmp_path / "book"
    (book / "docs").mkdir(parents=True)
    (book / "docs" / "index.md").write_text("# Gulls\n\nGulls nest on the cliffs.\n")
    terns = book / "docs" / "terns.md"
    terns.write_text("# Terns\n\nTerns fly far.\n")
    (book / "mkdocs.yml").write_text(
        textwrap.dedent("""\
        site_name: Sea birds
        nav: [index.md, terns.md]
        plugins: [presswork]
        """)
    )
    before = set(Path(tempfile.gettempdir()).glob("presswork-preview-*"))
    port = _ports()
    preview = f"http://127.0.0.1:{port + 1}/"
    server = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=book, env={**os.environ, "PRESSWORK_CACHE": str(CACHE)}, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        first = _built(preview, 1)
        assert first["state"] == "ready", first
        assert "Gulls nest on the cliffs." in _pdf_text(preview, first)
        assert b"Preview: Sea birds" in _get(preview)
        assert b"Sea birds" in _get(f"http://127.0.0.1:{port}/")  # MkDocs' own server, the site

        terns.write_text("# Terns\n\nTerns fly far.\n\nTerns dive for teh fish.\n")
        second = _built(preview, 2)
        assert second["state"] == "ready" and second["chapter"] == "Terns", second
        assert "Terns dive for teh fish." in _pdf_text(preview, second)
        assert second["pages"] and _get(preview + second["pages"][0]).startswith(b"\x89PNG")  # the chapter's pages as images
        assert b"Terns dive for teh fish." in _get(preview + second["epub"])  # the chapter's document of the EPUB
        assert any(f["engine"] == "codespell" and (f["line"], f["column"]) == (5, 16) for f in second["findings"]), second["findings"]

        terns.write_text("---\ntitle: Terns\nkinds: [arctic, common\n---\n\n# Terns\n")  # front matter that is no YAML
        third = _built(preview, 3)
        assert third["state"] == "failed" and "docs/terns.md:3: error: invalid YAML front matter" in third["message"], third
        terns.write_text("# Terns\n\nTerns fly far.\n")  # mended: the next save builds again
        assert _built(preview, 4)["state"] == "ready"
    finally:
        server.send_signal(signal.SIGINT)
        _, said = server.communicate(timeout=60)
    assert f"at {preview}" in said and f"http://127.0.0.1:{port}/" in said, said
    assert "preview: the PDF and the EPUB built in" in said and "in terns.md" in said, said
    assert "preview: docs/terns.md:3: error: invalid YAML front matter" in said, said
    assert set(Path(tempfile.gettempdir()).glob("presswork-preview-*")) == before  # the preview's folder is removed
