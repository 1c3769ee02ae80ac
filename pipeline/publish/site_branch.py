"""The site-branch target: a branch (`gh-pages`) of the book's own repository, written as one commit.

The commit is made by `git fast-import` straight into the object database: the work tree, the index
and every ref stay as they are while it is written. It is pushed to the remote without force, and only
then is the local branch moved, from the commit it was at to the new one. Whatever fails, the branch
and the remote are left exactly as they were; a push the remote rejects (someone published
meanwhile) says to fetch and publish again, and nothing is lost.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from pipeline.errors import ConfigError, ToolError
from pipeline.progress import Progress
from pipeline.publish.catalog import LATEST, RELEASES, Catalog
from pipeline.publish.release import DOWNLOADS
from pipeline.publish.targets import Conflict, Update
from pipeline.tools.git import Repository

_SCRATCH_REF = "refs/presswork/publishing"  # named in the stream, deleted by the same stream
# How git says the remote's branch moved on: not a fast-forward, or (two pushes at the same moment)
# the ref changed between the remote's advertisement and its update.
_MOVED_ON = ("[rejected]", "stale info", "cannot lock ref", "failed to update ref", "incorrect old value", "already exists")


class SiteBranch:
    def __init__(self, repo: Repository, branch: str, remote: str, *, now: int) -> None:
        self.repo = repo
        self.branch = branch
        self.remote = remote
        self.now = now
        self.ref = f"refs/heads/{branch}"
        self.description = f"branch {branch} on {remote}" if remote else f"local branch {branch}"
        if remote and not repo.remote_exists(remote):
            raise ConfigError(
                f"there is no git remote '{remote}' to publish to",
                hint=f"add it (git remote add {remote} URL), or set publish.remote to '' for the local branch only",
            )
        self.local = repo.resolve(self.ref)  # where the local branch is now: the only value it may move from
        self.base = self._base()  # the published state this publish reads and builds on

    def _base(self) -> str | None:
        """The newer of the local branch and the remote's as last fetched; refuse when they have diverged."""
        tracking = self.repo.resolve(f"refs/remotes/{self.remote}/{self.branch}") if self.remote else None
        if self.local is None or tracking is None or self.local == tracking:
            return self.local or tracking
        if self.repo.is_ancestor(self.local, tracking):
            return tracking
        if self.repo.is_ancestor(tracking, self.local):
            return self.local  # local commits not pushed yet: this push carries them along
        raise Conflict(
            f"the local branch {self.branch} and {self.remote}/{self.branch} have diverged",
            hint=f"keep the remote's: git branch -f {self.branch} {self.remote}/{self.branch}, then publish again",
        )

    def catalog(self) -> Catalog:
        if self.base is None:
            return Catalog()
        return Catalog.from_json(self.repo.read_blob(self.base, RELEASES), where=f"{self.branch}:{RELEASES}")

    def read(self, version: str, name: str) -> bytes | None:
        return self.repo.read_blob(self.base, f"{version}/{DOWNLOADS}/{name}") if self.base else None

    def write(self, update: Update, *, tag: str, progress: Progress) -> None:
        if self.repo.current_branch() == self.ref:
            raise ConfigError(f"{self.branch} is checked out in this work tree", hint="switch to your release branch and publish again")
        with tempfile.TemporaryDirectory(prefix="presswork-commit-") as scratch:
            with progress.step("commit") as note:
                stream, marks = Path(scratch) / "stream", Path(scratch) / "marks"
                self._write_stream(stream, update)
                self.repo.fast_import(stream, marks)
                commit = _mark(marks, ":1")
                note["text"] = f"{commit[:12]} on top of {self.base[:12] if self.base else 'nothing'}"
        if self.remote:
            with progress.step("push") as note:
                self._push(commit, tag)
                note["text"] = f"{self.remote} {self.branch}"
        try:
            self.repo.update_ref(self.ref, commit, self.local, update.message)
        except ToolError as error:
            error.message = f"published, but the local branch {self.branch} could not be moved: {error.message}"
            error.hint = f"git fetch {self.remote} {self.branch}:{self.branch}" if self.remote else error.hint
            raise

    def _push(self, commit: str, tag: str) -> None:
        result = self.repo.push(self.remote, commit, self.ref)
        if result.returncode == 0:
            return
        said = f"{result.text}\n{result.stderr}"
        if any(reason in said for reason in _MOVED_ON):
            raise Conflict(
                f"{self.remote} refused the new {self.branch}: it changed since it was last fetched "
                "(someone published meanwhile); nothing was changed",
                hint=f"fetch and publish again: git fetch {self.remote} && presswork publish {tag}",
                detail=said.strip(),
            )
        first = next((" ".join(line.split()) for line in result.stderr.splitlines() if line.strip()), "")
        raise ToolError(
            f"git push to {self.remote} failed: {first or f'exit code {result.returncode}'}; nothing was published",
            detail=said.strip(),
        )

    def _write_stream(self, stream: Path, update: Update) -> None:
        """A fast-import stream: one commit on top of the base, then the scratch ref deleted again."""
        files = sorted(path for path in update.folder.rglob("*") if path.is_file())
        with stream.open("wb") as out:
            out.write(b"feature done\n")
            for number, path in enumerate(files, start=2):
                data = path.read_bytes()
                out.write(b"blob\nmark :%d\ndata %d\n" % (number, len(data)) + data + b"\n")
            message = update.message.encode()
            out.write(b"commit %s\nmark :1\n" % _SCRATCH_REF.encode())
            out.write(b"committer %s\ndata %d\n%s\n" % (self.repo.identity(self.now).encode(), len(message), message))
            if self.base:
                out.write(b"from %s\n" % self.base.encode())
            folders = [update.version, LATEST] if update.latest else [update.version]
            for folder in folders:
                out.write(b"D %s\n" % _quote(folder))
                for number, path in enumerate(files, start=2):
                    name = f"{folder}/{path.relative_to(update.folder).as_posix()}"
                    out.write(b"M 100644 :%d %s\n" % (number, _quote(name)))
            for name, data in sorted(update.files.items()):
                out.write(b"M 100644 inline %s\ndata %d\n" % (_quote(name), len(data)) + data + b"\n")
            out.write(b"\nreset %s\nfrom %s\n\ndone\n" % (_SCRATCH_REF.encode(), self.repo.zero_id().encode()))


def _quote(path: str) -> bytes:
    """A path as fast-import reads it: C-style quoted, so spaces, quotes and newlines are safe."""
    escaped = path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'.encode()


def _mark(marks: Path, mark: str) -> str:
    for line in marks.read_text().splitlines():
        name, _, object_id = line.partition(" ")
        if name == mark:
            return object_id.strip()
    raise ToolError(f"git fast-import wrote no commit (mark {mark} missing from {marks.name})")
