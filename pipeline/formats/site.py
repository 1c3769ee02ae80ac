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
    r"""<(?:script|link|img|iframe|source)\b[^>]*?\s(?:src|href)=["']?((?:https?:)?//[^"'\s>]*)""", re.IGNORECASE
)
# A link that only names an address (the page's published one), which a browser does not fetch.
_NAMES_ONLY = re.compile(r"""<link\b[^>]*\brel=["']?(?:canonical|alternate)\b""", re.IGNORECASE)
_CSS_EXTERNAL = re.compile(r"""(?:@import\s+(?:url\()?|url\()["']?((?:https?:)?//[^"')\s]*)""", re.IGNORECASE)
_FONT_HOSTS = ("//fonts.googleapis.com", "//fonts.gstatic.com")


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

    def validate(self, inputs: Inputs, artifact: Artifact) -> list[str]:
        if not (artifact.path / "index.html").is_file():
            raise ValidationError(
                "the site has no home page", path=artifact.path.name, hint="name the first chapter index.md"
            )
        return _network_loads(artifact.path)


def _network_loads(site: Path) -> list[str]:
    """A warning for each address on another host that the site's pages or stylesheets load: the
    published site gets them from there, a reader offline goes without (and each host learns who reads)."""
    pages: dict[str, list[str]] = {}
    for page in sorted(site.rglob("*")):
        if page.suffix not in (".html", ".css"):
            continue
        text = page.read_text(encoding="utf-8", errors="replace")
        pattern = _EXTERNAL if page.suffix == ".html" else _CSS_EXTERNAL
        for match in pattern.finditer(text):
            if not _NAMES_ONLY.match(text, match.start()):
                where = pages.setdefault(match.group(1), [])
                if page.relative_to(site.parent).as_posix() not in where:
                    where.append(page.relative_to(site.parent).as_posix())
    warnings = []
    for address, where in pages.items():
        font = any(host in address for host in _FONT_HOSTS)
        hint = "set theme.font: false to use the reader's own fonts" if font else "put the file in the book and link it by its path"
        count = f" (and {len(where) - 1} more page{'s' if len(where) > 2 else ''})" if len(where) > 1 else ""
        warnings.append(
            f"{where[0]}: warning: the site loads '{address}' from the network{count}: a reader offline goes without it ({hint})"
        )
    return warnings
