"""`presswork new DIR`: a new book repository that checks and builds as created.

It holds `mkdocs.yml`, one chapter (`book/index.md`), Presswork's styles (`styles/`, with an empty
vocabulary of the book's own), the workflows (`.github/workflows/review.yml` and `publish.yml`), a
`.pre-commit-config.yaml`, `requirements.txt` (the Presswork the workflows install) and a
`.gitignore`, committed as the first commit of a new git repository on `main`. With `--languages
en,fr`, the book is laid out for mkdocs-static-i18n (`docs_structure: suffix`, the first language the
default, the others falling back to it until their chapters are written beside the default's).

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

from pipeline import __version__
from pipeline.configuration.config import slugify
from pipeline.errors import ConfigError
from pipeline.formats import styles, words
from pipeline.tools.git import Repository

TEMPLATES = Path(__file__).resolve().parent / "templates"
STYLES = styles.OWN
STYLE_FILES = ("book.typ", "epub.css", "highlighting.theme", "site.css", "reference.docx")
WORKFLOWS = ("review.yml", "review-comments.yml", "publish.yml")

# How the workflows install Presswork: in a pull request's jobs from the base branch's checkout (`base/`),
# when publishing from the tag's own checkout.
WORKFLOWS_HERE = {"@INSTALL_BASE@": "python -m pip install ./base", "@INSTALL@": "python -m pip install ."}
WORKFLOWS_BOOK = {
    "@INSTALL_BASE@": "python -m pip install -r base/requirements.txt",
    "@INSTALL@": "python -m pip install -r requirements.txt",
}


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


def create(
    root: Path, *, title: str | None, author: str | None, environ: Mapping[str, str], languages: str | None = None, timeout: float = 120
) -> Created:
    root = root.absolute()
    chosen = _languages(languages)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ConfigError(f"{root} exists and is not empty", hint="name a new folder, or an empty one")
    if not all((STYLES / name).is_file() for name in STYLE_FILES):
        raise ConfigError(f"Presswork's styles are not at {STYLES}", hint="reinstall Presswork: pip install --force-reinstall presswork")
    title = _one_line(title or root.name.replace("-", " ").replace("_", " ").strip().capitalize() or "A new book", "--title")
    files = _files(title, author, chosen, timeout)
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


def _languages(text: str | None) -> list[str]:
    """`--languages en,fr`: the book's languages, the default first."""
    if text is None:
        return ["en"]
    listed = [part.strip() for part in text.split(",")]
    for tag in listed:
        if not re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", tag):
            raise ConfigError(f"--languages: '{tag}' is not a language tag such as 'en' or 'pt-BR'", hint="e.g. --languages en,fr")
    if len(set(listed)) != len(listed):
        raise ConfigError(f"--languages names a language twice: {text}", hint="name each language once, the default first")
    if listed[0].split("-", 1)[0].lower() != "en":
        raise ConfigError(
            f"--languages {text}: the first chapter is written in English, so the default language (the first) is English",
            hint=f"e.g. --languages en,{listed[0]}; mkdocs-static-i18n's 'default' can move once the chapters are translated",
        )
    return listed


def _i18n(languages: list[str]) -> str:
    """The mkdocs-static-i18n block of a book in several languages, or nothing for one language."""
    if len(languages) < 2:
        return ""
    entries = "".join(
        f"        - locale: {tag}\n          name: {_yaml_string(words.name(tag))}\n" + ("          default: true\n" if index == 0 else "")
        for index, tag in enumerate(languages)
    )
    return (
        "  - i18n:  # mkdocs-static-i18n: each chapter's translations beside it (index.fr.md)\n"
        "      docs_structure: suffix\n"
        "      fallback_to_default: true  # a chapter not translated yet is shown in the default language\n"
        f"      languages:\n{entries}"
    )


def _translations(languages: list[str]) -> str:
    """What the first chapter says about the other languages, if there are any."""
    others = languages[1:]
    if not others:
        return ""
    names = [f'<span lang="{tag}">{words.name(tag)}</span> (`{tag}`)' for tag in others]  # each name in its own language
    named = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    example = f"`index.{others[0]}.md`"
    return (
        f"The book is also written in {named}. Each chapter's translation is a file beside it, such as\n"
        f"{example} for this one; until it is written, that language's site and editions show the chapter\n"
        "as it is here, and `presswork translations` lists what is missing or behind.\n\n"
    )


def _files(title: str, author: str | None, languages: list[str], timeout: float) -> dict[str, bytes]:
    values = {
        "@TITLE@": _yaml_string(title),
        "@AUTHOR@": _yaml_string(_one_line(author, "--author") if author else "The authors"),
        "@LANGUAGE@": languages[0],
        "@THEME_LANGUAGE@": languages[0].split("-", 1)[0].lower(),
        "@I18N@": _i18n(languages),
        "@TRANSLATIONS@": _translations(languages),
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
