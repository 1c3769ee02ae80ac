"""`presswork new DIR`: a new book repository that checks and builds as created.

It holds `mkdocs.yml`, one chapter (`book/index.md`), Presswork's styles (`styles/`, with an empty
vocabulary of the book's own), the workflows (`.github/workflows/review.yml` and `publish.yml`), a
`.pre-commit-config.yaml`, `requirements.txt` (the Presswork the workflows install) and a
`.gitignore`, committed as the first commit of a new git repository on `main`.

The workflows are rendered from the same templates as Presswork's own `.github/workflows/`; only the
way Presswork is installed differs (`WORKFLOWS_HERE` for this repository, `WORKFLOWS_BOOK` for a book).
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline import __version__, styles
from pipeline.config import slugify
from pipeline.errors import ConfigError
from pipeline.tools.git import Repository

TEMPLATES = Path(__file__).resolve().parent / "templates"
STYLES = styles.OWN
STYLE_FILES = ("book.typ", "epub.css", "site.css", "reference.docx")
WORKFLOWS = ("review.yml", "review-comments.yml", "publish.yml")

# How the workflows install Presswork: in a pull request's jobs from the base branch's checkout (`base/`),
# when publishing from the tag's own checkout.
WORKFLOWS_HERE = {"@INSTALL_BASE@": "python -m pip install ./base", "@INSTALL@": "python -m pip install ."}
WORKFLOWS_BOOK = {"@INSTALL_BASE@": "python -m pip install -r base/requirements.txt", "@INSTALL@": "python -m pip install -r requirements.txt"}


@dataclass(frozen=True)
class Created:
    root: Path
    title: str
    count: int  # files written
    commit: str


def render_workflows(install: Mapping[str, str]) -> dict[str, str]:
    """The workflow files, by name, with Presswork installed as `install` says."""
    out = {}
    for name in WORKFLOWS:
        text = (TEMPLATES / "workflows" / name).read_text(encoding="utf-8")
        for marker, command in install.items():
            text = text.replace(marker, command)
        out[name] = text
    return out


def create(root: Path, *, title: str | None, author: str | None, environ: Mapping[str, str], timeout: float = 120) -> Created:
    root = root.absolute()
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ConfigError(f"{root} exists and is not empty", hint="name a new folder, or an empty one")
    if not all((STYLES / name).is_file() for name in STYLE_FILES):
        raise ConfigError(f"Presswork's styles are not at {STYLES}", hint="reinstall Presswork: pip install --force-reinstall presswork")
    title = _one_line(title or root.name.replace("-", " ").replace("_", " ").strip().capitalize() or "A new book", "--title")
    files = _files(title, author, timeout)
    root.mkdir(parents=True, exist_ok=True)
    try:
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        commit = _first_commit(root, title, author, timeout)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)  # never half a book
        raise
    return Created(root, title, len(files), commit)


def _files(title: str, author: str | None, timeout: float) -> dict[str, bytes]:
    values = {
        "@TITLE@": _yaml_string(title),
        "@AUTHOR@": _yaml_string(_one_line(author, "--author") if author else "The authors"),
        "@LANGUAGE@": "en",
        "@IDENTIFIER@": f"urn:uuid:{uuid.uuid4()}",
        "@VERSION@": __version__,
    }

    def template(name: str) -> bytes:
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        for marker, value in values.items():
            text = text.replace(marker, value)
        return text.encode("utf-8")

    files = {
        "mkdocs.yml": template("mkdocs.yml"),
        "book/index.md": template("index.md"),
        ".pre-commit-config.yaml": template("pre-commit-config.yaml"),
        ".gitignore": template("gitignore"),
        "requirements.txt": template("requirements.txt"),
        f"styles/config/vocabularies/{_vocabulary_name(title)}/accept.txt": template("accept.txt"),
    }
    files |= {f"styles/{name}": (STYLES / name).read_bytes() for name in STYLE_FILES}
    files |= {f".github/workflows/{name}": text.encode("utf-8") for name, text in render_workflows(WORKFLOWS_BOOK).items()}
    return files


def _first_commit(root: Path, title: str, author: str | None, timeout: float) -> str:
    repo = Repository(root, timeout=timeout)
    repo.run("init", "--quiet", "--initial-branch=main")
    repo.run("add", "--all")
    who = {}
    if repo.run("config", "user.email", check=False).returncode != 0:  # no identity configured: say who wrote it
        name = author or "Presswork"
        who = {"user.name": name, "user.email": f"{slugify(name)}@localhost"}
    repo.run("commit", "--quiet", "--no-verify", "-m", f"A new book: {title}", config=who)
    return repo.head() or ""


def _one_line(text: str, option: str) -> str:
    if not text.strip() or "\n" in text or "\r" in text:
        raise ConfigError(f"{option} must be one line of text")
    return " ".join(text.split())


def _yaml_string(text: str) -> str:
    """A YAML scalar that reads back as `text`: quoted whenever it could be read as anything else."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9 ,.'()-]*", text) and text.lower() not in ("yes", "no", "true", "false", "null", "on", "off"):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _vocabulary_name(title: str) -> str:
    return "".join(part.capitalize() for part in slugify(title).split("-")) or "Book"
