"""The build store: a content-addressed cache outside `build/`, of parsed chapters and built editions.

Keys are hashes of everything an entry depends on (the inputs, the configuration, the styles, every
tool's version, Presswork's own files: `presswork()`), so an entry is either right or never looked up. Each entry records the SHA-256 of its
files; an entry whose files no longer match (damaged, edited, half-written) is removed and rebuilt,
never used. Entries are written beside their final place and renamed into it, so a killed build leaves
at most an unused temporary folder.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any


@functools.cache
def presswork() -> str:
    """Presswork as the store knows it: its version and every file of its package (code, templates,
    scripts), so that changed code never takes what older code made."""
    from pipeline import __version__

    package = Path(__file__).resolve().parent
    found = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            found.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{__version__}+{found.hexdigest()[:16]}"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key(*parts: Any) -> str:
    return digest(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode())


class Store:
    """A folder of entries; `Store(None)` remembers nothing (`--no-cache`)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    # --- parsed chapters -----------------------------------------------------------------------

    def get_json(self, kind: str, name: str) -> Any | None:
        if self.folder is None:
            return None
        path = self.folder / kind / name[:2] / f"{name}.json"
        try:
            data = path.read_bytes()
            record = json.loads(data)
            if record.get("sha256") == digest(json.dumps(record["value"], sort_keys=True).encode()):
                return record["value"]
        except (OSError, ValueError, KeyError, TypeError):
            pass
        path.unlink(missing_ok=True)  # damaged: it will be written again
        return None

    def put_json(self, kind: str, name: str, value: Any) -> None:
        if self.folder is None:
            return
        record = {"sha256": digest(json.dumps(value, sort_keys=True).encode()), "value": value}
        _write_atomically(self.folder / kind / name[:2] / f"{name}.json", json.dumps(record).encode())

    # --- files fetched from elsewhere ----------------------------------------------------------

    def get_blob(self, name: str) -> bytes | None:
        """The bytes kept under `name` (their SHA-256), if they are there and still what was kept."""
        if self.folder is None:
            return None
        path = self.folder / "blobs" / name[:2] / name
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if digest(data) == name:
            return data
        path.unlink(missing_ok=True)  # damaged: fetched again
        return None

    def put_blob(self, data: bytes) -> str:
        """Keep `data`; its name is its SHA-256."""
        name = digest(data)
        if self.folder is not None:
            _write_atomically(self.folder / "blobs" / name[:2] / name, data)
        return name

    # --- built editions ------------------------------------------------------------------------

    def fetch(self, name: str, target: Path) -> bool:
        """Put the edition stored under `name` at `target` (a file or a folder); False if there is none."""
        if self.folder is None:
            return False
        entry = self.folder / "editions" / name
        manifest = entry / "manifest.json"
        if not manifest.is_file():
            return False
        try:
            files = json.loads(manifest.read_text())["files"]
            for relative, expected in files.items():
                if digest((entry / "content" / relative).read_bytes()) != expected:
                    raise ValueError(relative)
        except (OSError, ValueError, KeyError, TypeError):
            shutil.rmtree(entry, ignore_errors=True)  # damaged or stale: rebuilt, never used
            return False
        _copy(entry / "content" / target.name, target)
        return True

    def keep(self, name: str, source: Path) -> None:
        """Store a built edition (a file or a folder) under `name`."""
        if self.folder is None:
            return
        entry = self.folder / "editions" / name
        if (entry / "manifest.json").is_file():
            return
        entry.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".new-", dir=entry.parent))
        try:
            _copy(source, work / "content" / source.name)
            files = {
                p.relative_to(work / "content").as_posix(): digest(p.read_bytes())
                for p in sorted((work / "content").rglob("*"))
                if p.is_file()
            }
            (work / "manifest.json").write_text(json.dumps({"files": files}, indent=1))
            try:
                os.rename(work, entry)
            except OSError:  # another build stored it meanwhile
                pass
        finally:
            shutil.rmtree(work, ignore_errors=True)


def _copy(source: Path, target: Path) -> None:
    """Copy a file or a folder, as hard links where the file system allows (entries are never edited)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target, copy_function=_link_or_copy)
    else:
        _link_or_copy(source, target)


def _link_or_copy(source: str | Path, target: str | Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".new-", dir=path.parent)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)
