"""One tag publishes every language of a book laid out for mkdocs-static-i18n: each language's files
in the release, its checksums and manifest; the Downloads page by language; each version's language
trees reached from the version and language selectors in a real browser; verify rebuilding them all."""

from __future__ import annotations

import functools
import http.server
import json
import posixpath
import re
import subprocess
import threading
from types import SimpleNamespace
from urllib.parse import urljoin

import pytest
from publishing import DAY, SLUG, START, new_project, sha256
from test_publish_browser import CHROMIUM, dom

_I18N = """\
  - i18n:
      docs_structure: suffix
      languages:
        - locale: en
          name: English
          default: true
        - locale: fr
          name: Français
          site_name: Livre d'essai
"""


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """v1.0.0 and v1.1.0 of an English and French book published to gh-pages on origin."""
    project = new_project(tmp_path_factory.mktemp("languages"))
    config = (project.root / "mkdocs.yml").read_text().replace("plugins:\n", "plugins:\n" + _I18N)
    project.commit("En français", {
        "mkdocs.yml": config,
        "book/index.fr.md": "# Bienvenue\n\nCe livre parle de la publication.\n",
        "book/second.fr.md": "# Deuxième chapitre\n\nLa suite.\n",
    }, when=START)  # fmt: skip
    project.git("push", "-q", "origin", "main")
    project.tag("v1.0.0", when=START)
    project.commit("Plus", {"book/second.fr.md": "# Deuxième chapitre\n\nLa suite, plus longue.\n"}, when=START + DAY)
    project.git("push", "-q", "origin", "main")
    project.tag("v1.1.0", when=START + DAY)
    runs = [project.presswork("publish", tag) for tag in ("v1.0.0", "v1.1.0")]
    return SimpleNamespace(project=project, runs=runs)


def _json(project, path: str) -> dict:
    return json.loads(project.read("gh-pages", path))


def test_one_tag_publishes_every_language_s_files_with_checksums_and_manifest(published):
    assert all(run.returncode == 0 for run in published.runs), [run.stderr for run in published.runs]
    project = published.project
    files = set(project.files("gh-pages"))
    names = [f"{SLUG}-1.1.0.{suffix}" for suffix in ("pdf", "docx", "fr.pdf", "fr.docx")]
    assert {f"1.1.0/downloads/{name}" for name in names} <= files
    assert {"1.1.0/index.html", "1.1.0/fr/index.html", "1.1.0/fr/second/index.html"} <= files  # one tree per language
    sums = dict(reversed(line.split("  ")) for line in project.read("gh-pages", "1.1.0/downloads/SHA256SUMS").decode().splitlines())
    assert sorted(sums) == sorted(names)
    for name in names:
        assert sums[name] == sha256(project.read("gh-pages", f"1.1.0/downloads/{name}"))
    manifest = _json(project, "1.1.0/downloads/manifest.json")
    assert manifest["languages"] == ["en", "fr"]
    assert {(f["name"], f["language"]) for f in manifest["files"]} == {(name, "fr" if ".fr." in name else "en") for name in names}
    releases = _json(project, "releases.json")
    assert {f["language"] for edition in releases["editions"] for f in edition["files"]} == {"en", "fr"}
    assert "La suite, plus longue." in project.read("gh-pages", "1.1.0/fr/second/index.html").decode()
    assert "La suite, plus longue." not in project.read("gh-pages", "1.0.0/fr/second/index.html").decode()


def test_the_downloads_page_lists_the_files_by_language(published):
    page = published.project.read("gh-pages", "1.1.0/downloads/index.html").decode()
    current = page[page.index('<h2 id="110-') : page.index('<h2 id="100-')]
    english, french = current.index(">English</h3>"), current.index(">Français</h3>")
    assert english < current.index(f"{SLUG}-1.1.0.pdf") < french < current.index(f"{SLUG}-1.1.0.fr.pdf")
    older = page[page.index('<h2 id="100-') :]
    assert ">Français</h3>" in older and f"../../1.0.0/downloads/{SLUG}-1.0.0.fr.docx" in older


def test_each_language_s_tree_has_its_own_downloads_page_in_its_words(published):
    project = published.project
    files = set(project.files("gh-pages"))
    home = project.read("gh-pages", "1.1.0/fr/index.html").decode()
    assert re.search(r'<a href="downloads/"[^>]*>\s*(<span[^>]*>\s*)?Téléchargements', home), (
        "the French pages' navigation has no Downloads page"
    )
    page = project.read("gh-pages", "1.1.0/fr/downloads/index.html").decode()
    assert re.search(r"<h1[^>]*>Téléchargements", page)
    assert re.search(r"<em>Livre d(&rsquo;|’|')essai</em> en livre", page), "the French page does not give the French title"
    links = set(re.findall(r'href="([^"]+(?:\.pdf|\.docx|SHA256SUMS|manifest\.json))"', page))
    assert {f"../../downloads/{SLUG}-1.1.0.fr.pdf", f"../../../1.0.0/downloads/{SLUG}-1.0.0.fr.docx"} <= links
    for link in links:  # every file it lists is where it points, in the default language's tree
        assert posixpath.normpath(posixpath.join("1.1.0/fr/downloads", link)) in files, link


def test_verify_rebuilds_every_language(published):
    run = published.project.presswork("verify", "v1.1.0")
    assert run.returncode == 0, run.stderr
    checked = {line.split()[1] for line in run.stdout.splitlines() if line.startswith("identical  ")}
    assert checked == {f"{SLUG}-1.1.0.{suffix}" for suffix in ("pdf", "docx", "fr.pdf", "fr.docx")}, run.stdout


@pytest.fixture(scope="module")
def served(published, tmp_path_factory):
    site = tmp_path_factory.mktemp("served")
    archive = subprocess.run(["git", "archive", "origin/gh-pages"], cwd=published.project.root, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(site)], input=archive.stdout, check=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs Debian's chromium with apt-get)")
def test_a_reader_of_the_french_tree_has_both_selectors_within_the_version(served, tmp_path):
    url = served + "latest/fr/"
    page = dom(url, tmp_path / "profile")
    assert "Ce livre parle de la publication." in page
    selector = re.search(r'<div class="md-version">(.*?)</div>', page, re.DOTALL)
    assert selector, "Material drew no version selector on the French pages"
    versions = re.findall(r'<a href="([^"]+)" class="md-version__link">([^<]+)</a>', selector.group(1))
    assert [name for _, name in versions] == ["1.1.0", "1.0.0"]
    languages = {lang: urljoin(url, href) for href, lang in re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"', page)}
    assert languages == {"en": served + "latest/", "fr": served + "latest/fr/"}  # within the version, not the server's root
    english = dom(served + "1.0.0/second/", tmp_path / "profile")
    links = {lang: urljoin(served + "1.0.0/second/", href) for href, lang in re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"', english)}
    assert links["fr"] == served + "1.0.0/fr/second/"  # the same page in the other language, in the same version
