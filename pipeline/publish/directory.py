"""The directory target: the published layout in a folder, for a web server or an object store.

The configured path (say `/srv/book`) is a symbolic link to a complete copy of the layout beside it
(`/srv/.book.XXXX`). A publish writes a new copy, with unchanged files hard-linked from the current
one, and then replaces the link with one `rename`: readers see the old layout or the new one, never a
half-written mix. A lock file (`/srv/.book.lock`) keeps two publishers from interleaving; one that
finds the layout changed since it read it (someone published meanwhile) stops and says so.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import ConfigError
from pipeline.progress import Progress
from pipeline.publish.catalog import LATEST, RELEASES, Catalog
from pipeline.publish.release import DOWNLOADS
from pipeline.publish.targets import Conflict, Update


class Directory:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = f"folder {path}"
        self._prefix = f".{path.name}."
        self._seen = self._releases()  # what the catalog was read from: it must be the same when writing

    def _releases(self) -> bytes | None:
        releases = self.path / RELEASES
        return releases.read_bytes() if releases.is_file() else None

    def catalog(self) -> Catalog:
        return Catalog.from_json(self._seen, where=str(self.path / RELEASES))

    def read(self, version: str, name: str) -> bytes | None:
        published = self.path / version / DOWNLOADS / name
        return published.read_bytes() if published.is_file() else None

    def write(self, update: Update, *, tag: str, progress: Progress) -> None:
        parent = self.path.parent
        parent.mkdir(parents=True, exist_ok=True)
        with progress.step("directory") as note, self._locked():
            current = self._current()
            if self._releases() != self._seen:
                raise Conflict(
                    f"{self.path} changed while this edition was built (someone published meanwhile); nothing was changed",
                    hint=f"publish again: presswork publish {tag}",
                )
            self._remove_leftovers(current)
            generation = Path(tempfile.mkdtemp(prefix=self._prefix, dir=parent))
            link = parent / f"{self._prefix}link-{generation.name.rsplit('.', 1)[-1]}"
            try:
                generation.chmod(0o755)
                if current is not None:
                    shutil.copytree(current, generation, symlinks=True, dirs_exist_ok=True, copy_function=_link)
                self._put(update, generation)
                os.symlink(generation.name, link)
                os.replace(link, self.path)  # the one step readers can see
            except BaseException:
                link.unlink(missing_ok=True)
                shutil.rmtree(generation, ignore_errors=True)
                raise
            if current is not None and current.parent == parent and current.name.startswith(self._prefix):
                shutil.rmtree(current, ignore_errors=True)
            note["text"] = f"{self.path} -> {generation.name}"

    def _current(self) -> Path | None:
        """The copy the link points at now; None for a first publish. A folder of our own making is refused."""
        if self.path.is_symlink():
            return self.path.resolve()
        if not self.path.exists():
            return None
        if self.path.is_dir() and not any(self.path.iterdir()):
            self.path.rmdir()  # an empty folder made to hold the site: nothing to keep
            return None
        raise ConfigError(
            f"{self.path} already exists and was not published by Presswork",
            hint="move it away or choose another publish.directory; Presswork makes it a link it can swap at once",
        )

    def _remove_leftovers(self, current: Path | None) -> None:
        """Copies and links a killed publish left beside the folder (the lock is held: none is in use)."""
        for path in self.path.parent.glob(f"{self._prefix}*"):
            if path.name == f"{self._prefix}lock" or path == current:
                continue
            if path.is_symlink() or path.is_file():
                path.unlink()
            else:
                shutil.rmtree(path, ignore_errors=True)

    @staticmethod
    def _put(update: Update, generation: Path) -> None:
        folders = [update.version, LATEST] if update.latest else [update.version]
        for name in folders:
            shutil.rmtree(generation / name, ignore_errors=True)
            shutil.copytree(update.folder, generation / name)
        for name, data in update.files.items():
            (generation / name).unlink(missing_ok=True)  # a hard link to the current copy: never write through it
            (generation / name).write_bytes(data)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        lock = self.path.parent / f"{self._prefix}lock"
        with lock.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _link(source: str, target: str) -> None:
    """Hard-link an unchanged file into the new copy (published files are never changed in place)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
