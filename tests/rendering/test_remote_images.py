"""Images taken from the web (badges, logos by URL): a trusted build fetches each once, from a real
HTTP server on 127.0.0.1, keeps it, and embeds it in the PDF, EPUB and DOCX; what cannot be had is
said at its place and shown as its description; the site shows the same copy, offline; an untrusted
build asks the network for nothing."""

from __future__ import annotations

import http.server
import re
import threading
import zipfile
from pathlib import Path

import pytest
from conftest import TESTS, copy_book, presswork


def _png() -> bytes:
    """A 2 x 2 grey PNG, written here (no image library needed)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


# A picture and a badge (SVG): what a book's README-style chapters take from the web.
PNG = _png()
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="90" height="20"><rect width="90" height="20" fill="#555"/></svg>'
FILES = {"/logo.png": (PNG, "image/png"), "/badge.svg": (SVG, "image/svg+xml"), "/page.png": (b"<html>not found</html>", "text/html")}


class _Handler(http.server.BaseHTTPRequestHandler):
    asked: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        self.asked.append(self.path)
        found = FILES.get(self.path)
        if found is None:
            self.send_error(404)
            return
        data, kind = found
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    _Handler.asked = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _book(tmp_path: Path, base: str) -> Path:
    book = copy_book(TESTS / "books" / "missing-anchor", tmp_path / "book")
    (book / "book" / "index.md").write_text(
        "# Introduction\n\n"
        f"![The project's logo]({base}/logo.png)\n\n"
        f"A badge: ![build passing]({base}/badge.svg)\n\n"
        f"Gone: ![An old chart]({base}/gone.png)\n\n"
        f"Not a picture: ![A page]({base}/page.png)\n\n"
        "See [other](other.md).\n"
    )
    return book


def _media(epub: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(epub) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name.startswith("EPUB/media/")}


def test_a_trusted_build_fetches_each_image_once_and_embeds_it_in_every_edition(tmp_path, server):
    base = f"http://127.0.0.1:{server.server_port}"
    book = _book(tmp_path, base)
    run = presswork("build", "--no-check", "--format", "epub", "--format", "docx", "--format", "pdf", cwd=book)
    assert run.returncode == 0, run.stderr
    media = _media(book / "build" / "missing-anchor.epub")
    assert PNG in media.values() and SVG in media.values(), sorted(media)
    with zipfile.ZipFile(book / "build" / "missing-anchor.docx") as docx:
        assert any(docx.read(name) == PNG for name in docx.namelist() if name.startswith("word/media/"))
    assert (
        b"/Subtype /Image" in (book / "build" / "missing-anchor.pdf").read_bytes()
        or b"/Subtype/Image" in (book / "build" / "missing-anchor.pdf").read_bytes()
    )
    lines = run.stderr.splitlines()
    assert (
        f"book/index.md:7:23: warning: image '{base}/gone.png' is not in the book and the server answered 404 Not Found: the PDF, EPUB and DOCX show its description instead (download it into the book's folder and link it by its path)"
        in lines
    ), run.stderr
    assert any(
        line.startswith(f"book/index.md:9:26: warning: image '{base}/page.png' is not in the book and what it sends is no image")
        for line in lines
    ), run.stderr
    assert _Handler.asked.count("/logo.png") == 1

    # Kept: the next build, with the server gone and a chapter changed (so every edition is made
    # anew), still has them, fetched by nothing.
    server.shutdown()
    (book / "book" / "other.md").write_text((book / "book" / "other.md").read_text() + "\nOne more line.\n")
    again = presswork("build", "--no-check", "--format", "epub", cwd=book)
    assert again.returncode == 0, again.stderr
    assert "unchanged, from the cache" not in again.stderr
    assert PNG in _media(book / "build" / "missing-anchor.epub").values()
    assert "logo.png' is not in the book" not in again.stderr
    assert _Handler.asked.count("/logo.png") == 1


def test_the_site_shows_the_copy_the_other_editions_embed_and_loads_nothing_it_could_fetch(tmp_path, server):
    base = f"http://127.0.0.1:{server.server_port}"
    book = _book(tmp_path, base)
    run = presswork("build", "--no-check", "--format", "site", "--format", "epub", cwd=book)
    assert run.returncode == 0, run.stderr
    site = book / "build" / "site"
    page = (site / "index.html").read_text()
    sources = re.findall(r'<img [^>]*src="([^"]+)"', page)
    local = [source for source in sources if source.startswith("assets/web/")]
    assert sorted((site / source).read_bytes() for source in local) == sorted([PNG, SVG])
    assert f"{base}/gone.png" in sources and f"{base}/logo.png" not in sources  # what could not be had stays an address
    assert f"the site loads '{base}/gone.png' from the network" in run.stderr
    assert f"the site loads '{base}/logo.png'" not in run.stderr
    assert _Handler.asked.count("/logo.png") == 1  # one fetch for the site and the EPUB


def test_an_untrusted_build_asks_the_network_for_nothing(tmp_path, server):
    base = f"http://127.0.0.1:{server.server_port}"
    book = _book(tmp_path, base)
    run = presswork("build", "--no-check", "--untrusted", "--format", "epub", cwd=book)
    assert run.returncode == 0, run.stderr
    assert _Handler.asked == []
    assert (
        f"book/index.md:3:23: warning: image '{base}/logo.png' is not in the book and an untrusted build fetches nothing from the network"
        in run.stderr
    )
    assert _media(book / "build" / "missing-anchor.epub") == {}
