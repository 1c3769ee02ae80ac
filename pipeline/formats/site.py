"""The site: MkDocs with Material, built in strict mode, self-contained, with a downloads page."""

from __future__ import annotations

import copy
import json
from importlib import metadata
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

from pipeline.errors import ContentError, ValidationError
from pipeline.formats.base import Artifact, Inputs
from pipeline.settings import PLUGIN_NAME
from pipeline.store import digest
from pipeline.tools import pandoc

# What would make a reader's browser reach out to the network when the site is opened offline.
_EXTERNAL = re.compile(
    r"""<(?:script|link|img|iframe|source)\b[^>]*?\s(?:src|href)=["']?(?:https?:)?//""", re.IGNORECASE
)
_CSS_EXTERNAL = re.compile(r"""@import\s+(?:url\()?["']?(?:https?:)?//|url\(["']?(?:https?:)?//""", re.IGNORECASE)


class SiteBuilder:
    name = "site"
    suffix = ""

    def fingerprint(self, inputs: Inputs) -> list[str]:
        versions = [metadata.version(name) for name in ("mkdocs", "mkdocs-material", "pymdown-extensions", "Markdown")]
        downloads = [(a.path.name, digest(a.path.read_bytes())) for a in inputs.downloads]
        return [inputs.style_digest("site.css"), pandoc.version(), *versions, json.dumps(downloads)]

    def build(self, inputs: Inputs, staging: Path) -> Artifact:
        settings = inputs.manuscript.settings
        output = staging / self.name
        config = MkDocsConfig(config_file_path=str(settings.path))
        config.load_dict(copy.deepcopy(settings.data))
        config.validate()  # already checked once by pipeline.config; this makes the plugin instances
        config["site_dir"] = str(output)
        config["strict"] = True
        config.plugins[PLUGIN_NAME].downloads = list(inputs.downloads)
        config.plugins[PLUGIN_NAME].trusted = inputs.trusted
        config.plugins[PLUGIN_NAME].epoch = inputs.manuscript.epoch
        with _captured_warnings() as warnings:
            try:
                mkdocs_build(config)
            except MkDocsException as error:
                raise _content_error(warnings, settings.mkdocs.docs_dir, str(error)) from error
            except RecursionError:
                raise ContentError(
                    "MkDocs: a chapter nests lists, quotes or admonitions too deeply to be rendered",
                    hint="nest them less deeply (presswork check names the chapter)",
                ) from None
        return Artifact(self.name, output)

    def validate(self, inputs: Inputs, artifact: Artifact) -> None:
        if not (artifact.path / "index.html").is_file():
            raise ValidationError(
                "the site has no home page", path=artifact.path.name, hint="name the first chapter index.md"
            )
        for page in sorted(artifact.path.rglob("*")):
            if page.suffix not in (".html", ".css"):
                continue
            text = page.read_text(encoding="utf-8", errors="replace")
            pattern = _EXTERNAL if page.suffix == ".html" else _CSS_EXTERNAL
            match = pattern.search(text)
            if match:
                raise ValidationError(
                    f"the site loads '{match.group(0)}...' from the network",
                    path=page.relative_to(artifact.path.parent).as_posix(),
                    hint="keep the site self-contained: serve the file locally or set theme.font: false",
                )


@contextmanager
def _captured_warnings() -> Iterator[list[str]]:
    """Keep MkDocs' log off the terminal (the progress display owns it); collect its warnings."""
    logger = logging.getLogger("mkdocs")
    warnings: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                warnings.append(" ".join(record.getMessage().split()))

    handler = Collect()
    saved = logger.propagate, logger.handlers[:], logger.level
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        yield warnings
    finally:
        logger.propagate, logger.handlers, level = saved[0], saved[1], saved[2]
        logger.setLevel(level)


def _content_error(warnings: list[str], docs_dir: str, fallback: str) -> ContentError:
    """The first warning MkDocs gave, naming the chapter it is about."""
    if not warnings:
        return ContentError(f"MkDocs: {fallback}")
    first = warnings[0]
    more = f" (and {len(warnings) - 1} more warnings)" if len(warnings) > 1 else ""
    match = re.search(r"Doc file '([^']+)'", first)
    path = f"{Path(docs_dir).name}/{match.group(1)}" if match else None
    return ContentError(f"MkDocs in strict mode: {first}{more}", path=path, detail="\n".join(warnings))
