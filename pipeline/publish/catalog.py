"""The catalog: every published edition, as a target keeps it, and the files readers' browsers read from it.

A target holds, at its root, `releases.json` (every edition: version, tag, commit, date, each file with
its size and SHA-256), `versions.json` in the format mike writes (Material's version selector reads
it), and `index.html`, which leads to `latest/`. All three are made here, from the catalog alone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.errors import ContentError

RELEASES = "releases.json"
VERSIONS = "versions.json"
INDEX = "index.html"
LATEST = "latest"


@dataclass(frozen=True)
class File:
    """One file of a release, as readers download it."""

    name: str
    format: str
    size: int
    sha256: str
    language: str = ""  # the edition's language (a BCP 47 tag); "" in releases made before languages
    conformance: str = ""  # the accessibility standard the file declares ("PDF/UA-1"); "" none
    checked_by: str = ""  # the checker that held it to that standard ("veraPDF 1.28.2"); "" none
    withheld: str = ""  # why it declares no standard though the book asked for one (its checker's verdict)


@dataclass(frozen=True)
class Edition:
    """One published version of the book."""

    version: str
    tag: str
    commit: str
    date: str  # the tagged commit's date, YYYY-MM-DD
    epoch: int  # the tagged commit's time: the release's SOURCE_DATE_EPOCH
    files: tuple[File, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "tag": self.tag,
            "commit": self.commit,
            "date": self.date,
            "source_date_epoch": self.epoch,
            "files": [file.__dict__ for file in self.files],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Edition:
        files = tuple(
            File(f["name"], f["format"], int(f["size"]), f["sha256"], str(f.get("language") or ""), str(f.get("conformance") or ""), str(f.get("checked_by") or ""), str(f.get("withheld") or ""))
            for f in data.get("files", [])
        )  # fmt: skip
        return cls(data["version"], data["tag"], data["commit"], data["date"], int(data["source_date_epoch"]), files)


def version_key(version: str) -> tuple:
    """Order versions as semantic versions: 1.10.0 after 1.9.0, 2.0.0-rc.1 before 2.0.0."""
    core, _, pre = version.partition("-")
    numbers = tuple(int(part) if part.isdigit() else 0 for part in re.split(r"[.]", core))
    words = tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in pre.split(".") if part)
    return numbers, 0 if pre else 1, words


@dataclass(frozen=True)
class Catalog:
    """The published editions, newest (highest version) first."""

    editions: tuple[Edition, ...] = field(default=())

    @classmethod
    def from_json(cls, data: bytes | None, *, where: str) -> Catalog:
        if data is None:
            return cls()
        try:
            items = json.loads(data)["editions"]
            return cls(_sorted(Edition.from_json(item) for item in items))
        except (ValueError, KeyError, TypeError) as error:
            raise ContentError(
                f"{RELEASES} is not a list of editions Presswork can read: {error}",
                path=where,
                hint="restore it from the target's history",
            ) from error

    def find(self, version: str) -> Edition | None:
        return next((edition for edition in self.editions if edition.version == version), None)

    @property
    def latest(self) -> Edition | None:
        return self.editions[0] if self.editions else None

    def with_edition(self, edition: Edition) -> Catalog:
        others = (item for item in self.editions if item.version != edition.version)
        return Catalog(_sorted([*others, edition]))

    def releases_json(self) -> bytes:
        data = {"editions": [edition.to_json() for edition in self.editions]}
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()

    def versions_json(self) -> bytes:
        """mike's `versions.json`: `{version, title, aliases}` newest first, `latest` on the highest."""
        data = [{"version": e.version, "title": e.version, "aliases": [LATEST] if e is self.latest else []} for e in self.editions]
        return (json.dumps(data, indent=2) + "\n").encode()

    def index_html(self, title: str) -> bytes:
        """The root page: it sends readers on to the latest edition (no script needed)."""
        safe = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return (
            '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
            f"<title>{safe}</title>\n"
            f'<meta http-equiv="refresh" content="0; url={LATEST}/">\n'
            f'<link rel="canonical" href="{LATEST}/">\n'
            "</head>\n<body>\n"
            f'<p><a href="{LATEST}/">{safe}: the latest edition</a></p>\n'
            "</body>\n</html>\n"
        ).encode()


def _sorted(editions) -> tuple[Edition, ...]:
    return tuple(sorted(editions, key=lambda edition: version_key(edition.version), reverse=True))
