"""Untrusted runs: a hostile chapter or configuration gets no byte from outside the book into any
edition, runs no code, and each refusal is one clear line.

Every edition is read to its last byte: the site's files, every entry of the EPUB and DOCX archives,
and every stream of the PDF, decompressed.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pypdf
import pytest
from conftest import TESTS, presswork

from pipeline.formats import styles

SECRET = b"PRESSWORK-TOP-SECRET-7f3a9c"
PASSWD = Path("/etc/passwd").read_bytes().split(b"\n")[0]  # root's line, in every /etc/passwd
PNG = (TESTS / "conformance" / "book" / "images" / "figure.png").read_bytes()

CONFIG = """site_name: Hostile
docs_dir: book
theme:
  name: material
  font: false
nav:
  - index.md
markdown_extensions:
  - toc
  - attr_list
  - footnotes
  - admonition
plugins:
  - search
  - presswork:
      book:
        title: Hostile
"""

HOSTILE = """# Hostile

A picture: <img src="images/ok.png" alt="raw">.

<video src="../../outside/secret.txt"></video>

<script>fetch("https://example.org/steal")</script>

<a href="javascript:alert(1)">click</a> and <span onclick="alert(1)">hover</span>.

[a link](javascript:alert(2)) and `#read("/etc/passwd")`{=typst}.

```{=openxml}
<w:p><w:r><w:t>raw</w:t></w:r></w:p>
```

![A fine image](images/ok.png)
"""


def every_byte(path: Path) -> list[bytes]:
    """Everything a reader of `path` could get: a folder's files, an archive's entries, a PDF's streams."""
    if path.is_dir():
        return [blob for item in sorted(path.rglob("*")) if item.is_file() for blob in every_byte(item)]
    data = path.read_bytes()
    blobs = [data]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            blobs += [archive.read(name) for name in archive.namelist()]
    if data.startswith(b"%PDF-"):
        reader = pypdf.PdfReader(path)
        for number in range(1, int(reader.trailer["/Size"])):
            try:
                item = reader.get_object(number)
            except Exception:  # a free entry of the cross-reference table
                continue
            if isinstance(item, pypdf.generic.StreamObject):
                blobs.append(item.get_data())
    return blobs


def assert_no_secret(folder: Path) -> None:
    if not folder.exists():
        return
    for blob in every_byte(folder):
        assert SECRET not in blob
        assert PASSWD not in blob


@pytest.fixture
def book(tmp_path) -> Path:
    """A book in `repo/`, and beside it, outside the repository, the secrets a chapter may name."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(SECRET + b"\n")
    (outside / "secret.png").write_bytes(PNG + SECRET)
    root = tmp_path / "repo"
    (root / "book" / "images").mkdir(parents=True)
    (root / "book" / "images" / "ok.png").write_bytes(PNG)
    (root / "mkdocs.yml").write_text(CONFIG)
    (root / "book" / "index.md").write_text("# A chapter\n\nPlain text.\n")
    return root


def test_a_hostile_chapter_builds_without_a_byte_from_outside(book):
    (book / "book" / "index.md").write_text(HOSTILE)
    run = presswork("build", "--untrusted", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    warnings = [line for line in run.stderr.splitlines() if ": warning: " in line]
    assert warnings == [
        "book/index.md:7:1: warning: a <script> element is left out (an untrusted build)",
        "book/index.md:9:4: warning: a script URL in 'href' is left out (an untrusted build)",
        "book/index.md:9:51: warning: the event handler 'onclick' is left out (an untrusted build)",
        "book/index.md:11:10: warning: a script URL is left out (an untrusted build)",
        "book/index.md:5:1: warning: a <video> element is on the site only: the PDF, EPUB and DOCX cannot hold what it embeds (link to it, or add a picture of it)",
        # raw Typst and OpenXML are code to the site, so to every edition: nothing to leave out
    ]
    build = book / "build"
    assert sorted(p.name for p in build.iterdir()) == ["hostile.docx", "hostile.epub", "hostile.pdf", "site"]
    assert_no_secret(build)
    page = (build / "site" / "index.html").read_text()
    content = page[page.index('<h1 id="hostile">') :]
    for unsafe in ("<script>fetch", "onclick", "javascript:"):
        assert unsafe not in content  # the raw Typst is shown as code on the site, and runs nowhere
    assert "click</a>" in content and "hover" in content  # the text stays, only what runs goes
    with zipfile.ZipFile(build / "hostile.epub") as epub:
        text = b"".join(epub.read(name) for name in epub.namelist() if name.endswith(".xhtml"))
        media = [name for name in epub.namelist() if name.startswith("EPUB/media/")]
    assert b"<script" not in text and b"onclick" not in text and b"javascript:" not in text
    assert [zipfile.ZipFile(build / "hostile.epub").read(m) for m in media] == [PNG]  # the one image, checked
    assert b"raw</w:t>" not in zipfile.ZipFile(build / "hostile.docx").read("word/document.xml")


@pytest.mark.parametrize(
    "path, says", [("/etc/passwd", "-pdf/etc/passwd"), ("../../../outside/secret.txt", "would escape the project root")]
)
def test_typst_in_a_trusted_build_cannot_read_outside_its_folder(book, path, says):
    """Typst's root is the build's own work folder: even a trusted book's own template reads nothing else."""
    (book / "styles").mkdir()
    (book / "styles" / "book.typ").write_text(styles.find(book, "book.typ").read_text() + f'\n#read("{path}")\n')
    run = presswork("build", "--no-check", "--format", "pdf", "--quiet", cwd=book)
    assert run.returncode == 3, run.stderr
    assert run.stderr.startswith("error: typst failed:") and says in run.stderr, run.stderr
    assert_no_secret(book / "build")


def _symlink(book: Path, name: str, target: str) -> None:
    link = book / "book" / name
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(book.parent / "outside" / target)


# Each: (what to do to the book, the exit code, a piece of the one line printed).
REFUSED = {
    "absolute-image": (lambda b: _chapter(b, "![p](/etc/passwd)"), 1, "book/index.md:3:6: error: image '"),
    "escaping-image": (lambda b: _chapter(b, "![s](../../outside/secret.png)"), 1, "is outside the book's folder"),
    "symlinked-image": (
        lambda b: (_symlink(b, "images/leak.png", "secret.png"), _chapter(b, "![l](images/leak.png)")),
        1,
        "book/images/leak.png: error: a symbolic link to '",
    ),
    "symlinked-chapter": (
        lambda b: (_symlink(b, "leak.md", "secret.txt"), _config(b, "  - index.md\n", "  - index.md\n  - leak.md\n")),
        1,
        "book/leak.md: error: a symbolic link to '",
    ),
    "symlinked-folder": (lambda b: _symlink(b, "more", ""), 1, "book/more: error: a symbolic link to '"),
    "absolute-raw-image": (lambda b: _chapter(b, '<img src="/etc/passwd">'), 1, "book/index.md:3:11: error: image '"),
    "escaping-raw-image": (lambda b: _chapter(b, '<img src="../../outside/secret.png">'), 1, "is outside the book's folder"),
    "python-name": (lambda b: _config(b, "site_name: Hostile\n", "site_name: Hostile\nextra:\n  run: !!python/name:os.system\n"), 2,
                    "mkdocs.yml:3: error: !!python/name:os.system is refused in an untrusted run"),
    "env-secret": (lambda b: _config(b, "site_name: Hostile\n", "site_name: Hostile\ncopyright: !ENV PRESSWORK_SECRET\n"), 2,
                   "mkdocs.yml:2: error: !ENV is refused"),
    "hooks": (lambda b: _hook(b), 2, "error: hooks: refused in an untrusted run"),
    "plugin": (lambda b: _config(b, "  - search\n", "  - search\n  - material/blog\n"), 2,
               "error: plugins.material/blog: plugin 'material/blog' is not allowed in an untrusted run"),
    "snippets": (lambda b: (_config(b, "  - admonition\n", "  - admonition\n  - pymdownx.snippets\n"),
                            _chapter(b, '--8<-- "../outside/secret.txt"')), 1,
                 "book/index.md:3: error: the snippet '../outside/secret.txt' is not a file inside the snippets' base path"),
    "snippets-absolute": (lambda b: (_config(b, "  - admonition\n", "  - admonition\n  - pymdownx.snippets\n"),
                                     _chapter(b, f'--8<-- "{b.parent / "outside" / "secret.txt"}"')), 1,
                          "book/index.md:3: error: the snippet '"),
    "snippets-base-path": (lambda b: _config(b, "  - admonition\n", "  - admonition\n  - pymdownx.snippets:\n      base_path: [../outside]\n"), 2,
                           "error: markdown_extensions.pymdownx.snippets.base_path: '../outside' is outside the book's folder"),
    "snippets-symlink": (lambda b: (_config(b, "  - admonition\n", "  - admonition\n  - pymdownx.snippets\n"), (b / "inc").mkdir(),
                                    (b / "inc" / "leak.md").symlink_to(b.parent / "outside" / "secret.txt"),
                                    _chapter(b, '--8<-- "inc/leak.md"')), 1,
                         "book/index.md:3: error: the snippet 'inc/leak.md' is not a file inside the snippets' base path"),
    "language-theme-templates": (lambda b: _config(b, "  - search\n", "  - search\n  - i18n:\n      languages:\n        - {locale: en, name: English, default: true}\n"
                                                   "        - locale: fr\n          name: Français\n          theme:\n            static_templates: [x.html]\n"), 2,
                                 "error: plugins.i18n.languages.1.theme.static_templates: refused in an untrusted run"),
    "theme-templates": (lambda b: _config(b, "  font: false\n", "  font: false\n  custom_dir: overrides\n"), 2,
                        "error: theme.custom_dir: refused in an untrusted run"),
    "docs-outside": (lambda b: _config(b, "docs_dir: book\n", "docs_dir: ../outside\n"), 2,
                     "mkdocs.yml:2: error: docs_dir: '../outside' is outside the book's folder"),
}  # fmt: skip


def _chapter(book: Path, line: str) -> None:
    (book / "book" / "index.md").write_text(f"# A chapter\n\n{line}\n")


def _config(book: Path, old: str, new: str) -> None:
    config = book / "mkdocs.yml"
    config.write_text(config.read_text().replace(old, new, 1))


def _hook(book: Path) -> None:
    (book / "hook.py").write_text("import pathlib\npathlib.Path(__file__).with_name('HOOK-RAN').write_text('ran')\n")
    _config(book, "site_name: Hostile\n", "site_name: Hostile\nhooks:\n  - hook.py\n")


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_what_an_untrusted_build_refuses(case, book):
    change, code, piece = REFUSED[case]
    change(book)
    formats = ["--format", "site"] if case.startswith("symlinked") else []  # MkDocs would follow links too
    run = presswork("build", "--untrusted", "--no-check", "--quiet", *formats, cwd=book, env={"PRESSWORK_SECRET": SECRET.decode()})
    assert run.returncode == code, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and piece in lines[0], run.stderr
    assert "Traceback" not in run.stderr and SECRET.decode() not in run.stderr
    assert not (book / "HOOK-RAN").exists()
    assert not (book / "build").exists() or not [p for p in (book / "build").iterdir() if not p.name.startswith(".")]
    assert_no_secret(book / "build")


def test_the_environment_named_in_untrusted_when_makes_a_run_untrusted(book):
    _hook(book)
    _config(book, "  - presswork:\n", "  - presswork:\n      untrusted_when: {GITHUB_EVENT_NAME: [pull_request, pull_request_target]}\n")
    run = presswork("check", "--no-grammar", "--quiet", cwd=book, env={"GITHUB_EVENT_NAME": "pull_request"})
    assert run.returncode == 2 and "hooks: refused in an untrusted run" in run.stderr
    assert not (book / "HOOK-RAN").exists()
    run = presswork("check", "--no-grammar", "--quiet", cwd=book, env={"GITHUB_EVENT_NAME": "push"})
    assert run.returncode == 0, run.stderr
    assert (book / "HOOK-RAN").exists()  # a trusted run: the hook is the book's own


def test_check_untrusted_reports_what_would_be_left_out(book):
    (book / "book" / "index.md").write_text(HOSTILE)
    run = presswork("check", "--untrusted", "--no-grammar", "--format", "json", "--quiet", cwd=book)
    assert run.returncode == 0, run.stderr  # warnings
    found = [(f["line"], f["column"], f["rule"]) for f in json.loads(run.stdout) if f["engine"] == "html"]
    assert found == [(7, 1, "unsafe-html"), (9, 4, "unsafe-html"), (9, 51, "unsafe-html"), (11, 10, "unsafe-html")]
    trusted = presswork("check", "--no-grammar", "--format", "json", "--quiet", cwd=book)
    assert [f for f in json.loads(trusted.stdout) if f["engine"] == "html"] == []


def test_an_untrusted_edition_is_never_taken_from_a_trusted_build_s_cache(book, tmp_path):
    cache = {"PRESSWORK_CACHE": str(tmp_path / "cache")}
    runs = [
        presswork("build", "--no-check", "--format", "docx", *untrusted, cwd=book, env=cache)
        for untrusted in ([], ["--untrusted"], ["--untrusted"], [])
    ]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], runs[-1].stderr
    cached = ["unchanged, from the cache" in run.stderr for run in runs]
    assert cached == [False, False, True, True]  # each kind of build reuses only its own


def test_an_untrusted_run_imports_nothing_from_the_book(book):
    """`python -m` puts the current folder on the import path: a package the content ships there must
    not stand in for an extension's."""
    fake = book / "pymdownx"
    fake.mkdir()
    (fake / "__init__.py").write_text("import pathlib\npathlib.Path(__file__).parent.parent.joinpath('IMPORTED').write_text('x')\n")
    _config(book, "  - admonition\n", "  - admonition\n  - pymdownx.tilde\n")
    run = presswork("check", "--untrusted", "--no-grammar", "--quiet", cwd=book)
    assert run.returncode == 0, run.stderr
    assert not (book / "IMPORTED").exists()


def test_pages_and_scripts_of_the_content_s_own_are_left_out_of_an_untrusted_site(book):
    (book / "book" / "page.html").write_text("<script>alert(1)</script>")
    (book / "book" / "tool.js").write_text("alert(1)")
    run = presswork("build", "--untrusted", "--no-check", "--format", "site", cwd=book)
    assert run.returncode == 0, run.stderr
    assert "book/page.html: warning: left out of the site" in run.stderr
    assert not (book / "build" / "site" / "page.html").exists()
    assert not (book / "build" / "site" / "tool.js").exists()


def test_an_iframe_is_on_the_site_only_and_embeds_nothing_anywhere_else(book):
    """pandoc's HTML reader would fetch what an <iframe> names, even in a trusted build: the editions
    hold none of it, and say so at its line."""
    (book / "book" / "index.md").write_text(
        '# Framed\n\nBefore.\n\n<iframe title="A secret" src="../../outside/secret.txt"></iframe>\n\nAfter.\n'
    )
    run = presswork("build", "--no-check", cwd=book)
    assert run.returncode == 0, run.stderr
    assert (
        "book/index.md:5:1: warning: a <iframe> element is on the site only: the PDF, EPUB and DOCX cannot hold "
        "what it embeds (link to it, or add a picture of it)"
    ) in run.stderr.splitlines()
    for name in ("hostile.pdf", "hostile.epub", "hostile.docx"):
        assert_no_secret(book / "build" / name)


def test_snippets_inside_the_book_are_read_in_an_untrusted_build(book):
    """A pull request may include the book's own files with `--8<--` and `auto_append`: pinned to
    the book's folder, they come through in every edition."""
    (book / "includes").mkdir()
    (book / "includes" / "part.md").write_text("A sentence kept in a snippet file.\n")
    (book / "includes" / "links.md").write_text("[home]: https://example.org/home\n")
    _config(book, "  - admonition\n", "  - admonition\n  - pymdownx.snippets:\n      auto_append: [includes/links.md]\n")
    _chapter(book, '--8<-- "includes/part.md"\n\nSee [the home page][home].')
    run = presswork("build", "--untrusted", "--no-check", "--quiet", "--format", "epub", "--format", "site", cwd=book)
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(book / "build" / "hostile.epub") as epub:
        chapter = " ".join(epub.read(name).decode() for name in epub.namelist() if name.endswith(".xhtml"))
    assert "A sentence kept in a snippet file." in chapter and 'href="https://example.org/home"' in chapter
