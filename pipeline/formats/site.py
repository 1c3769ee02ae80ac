"""The site: MkDocs with Material, written from the one rendering (`pipeline.render`) in strict mode,
self-contained, with a downloads page."""

from __future__ import annotations

import json
import re
from importlib import metadata
from pathlib import Path

from pipeline.errors import ValidationError
from pipeline.formats.base import Artifact, Inputs
from pipeline.store import digest
from pipeline.tools import pandoc

# What would make a reader's browser reach out to the network when the site is opened offline.
_EXTERNAL = re.compile(
    r"""<(?:script|link|img|iframe|source)\b[^>]*?\s(?:src|href)=["']?(?:https?:)?//""", re.IGNORECASE
)
# A link that only names an address (the page's published one), which a browser does not fetch.
_NAMES_ONLY = re.compile(r"""<link\b[^>]*\brel=["']?(?:canonical|alternate)\b""", re.IGNORECASE)
_CSS_EXTERNAL = re.compile(r"""@import\s+(?:url\()?["']?(?:https?:)?//|url\(["']?(?:https?:)?//""", re.IGNORECASE)


class SiteBuilder:
    name = "site"
    suffix = ""

    def fingerprint(self, inputs: Inputs) -> list[str]:
        versions = [metadata.version(name) for name in ("mkdocs", "mkdocs-material", "pymdown-extensions", "Markdown")]
        downloads = [(a.path.name, digest(a.path.read_bytes())) for a in inputs.downloads]
        return [inputs.style_digest("site.css"), pandoc.version(), *versions, json.dumps(downloads), "offline" if inputs.offline else "served"]

    def build(self, inputs: Inputs, staging: Path) -> Artifact:
        """The site written from the one rendering, in strict mode, into `site/` of the staging folder."""
        rendering = inputs.rendering
        output = Path(rendering.site_dir)
        if output.parent != staging:
            raise ValidationError("the site was rendered for another folder; report this as a bug", path=self.name)
        rendering.write(list(inputs.downloads))
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
            match = next((m for m in pattern.finditer(text) if not _NAMES_ONLY.match(text, m.start())), None)
            if match:
                raise ValidationError(
                    f"the site loads '{match.group(0)}...' from the network",
                    path=page.relative_to(artifact.path.parent).as_posix(),
                    hint="keep the site self-contained: serve the file locally or set theme.font: false",
                )
