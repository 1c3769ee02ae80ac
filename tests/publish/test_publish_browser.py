"""The published site branch as readers get it: served over HTTP on loopback, opened in headless Chromium."""

from __future__ import annotations

import functools
import hashlib
import html
import http.server
import re
import shutil
import subprocess
import threading
import urllib.request
from urllib.parse import urljoin

import pytest
from publishing import DAY, START, new_project

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs Debian's chromium with apt-get)")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """v1.0.0 and v1.1.0 published to gh-pages, the branch exported with git archive and served on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("browser")
    project = new_project(folder)
    project.tag("v1.0.0", when=START)
    project.commit("More", {"book/second.md": "# Second chapter\n\nMore.\n"}, when=START + DAY)
    project.git("push", "-q", "origin", "main")
    project.tag("v1.1.0", when=START + DAY)
    for tag in ("v1.0.0", "v1.1.0"):
        run = project.presswork("publish", tag, "--quiet")
        assert run.returncode == 0, run.stderr
    site = folder / "site"
    site.mkdir()
    archive = subprocess.run(["git", "archive", "origin/gh-pages"], cwd=project.root, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(site)], input=archive.stdout, check=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def dom(url: str, profile) -> str:
    """The page as Chromium has it after its scripts ran (5 s of virtual time)."""
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_the_version_selector_lists_every_published_version(served, tmp_path):
    page = dom(served + "latest/", tmp_path / "profile")
    selector = re.search(r'<div class="md-version">(.*?)</div>', page, re.DOTALL)
    assert selector, "Material drew no version selector from ../versions.json"
    assert re.search(r'class="md-version__current"[^>]*>1\.1\.0<', selector.group(1))
    items = re.findall(r'<a href="([^"]+)" class="md-version__link">([^<]+)</a>', selector.group(1))
    assert items == [(served + "1.1.0/", "1.1.0"), (served + "1.0.0/", "1.0.0")]


def test_the_root_leads_to_the_latest_edition(served, tmp_path):
    page = dom(served, tmp_path / "profile")
    assert "md-version" in page and "Publishing Fixture" in page  # the refresh landed on latest/


def test_every_download_link_gives_the_file_its_sha256sums_names(served, tmp_path):
    page_url = served + "latest/downloads/"
    page = dom(page_url, tmp_path / "profile")
    links = [html.unescape(href) for href in re.findall(r'<a href="([^"]+\.(?:pdf|docx))"', page)]
    assert len(links) == 4  # two files of each of two editions
    for link in links:
        url = urljoin(page_url, link)
        with urllib.request.urlopen(url, timeout=30) as response:
            data = response.read()
        with urllib.request.urlopen(urljoin(url, "SHA256SUMS"), timeout=30) as response:
            sums = dict(reversed(line.split("  ")) for line in response.read().decode().splitlines())
        name = url.rsplit("/", 1)[1]
        assert hashlib.sha256(data).hexdigest() == sums[name], url
        assert f">{sums[name]}</code>" in page
