"""git, the one module that runs it: every call through GitPython's runner, with a timeout, never a shell.

Arguments are passed as a list, so a tag named `v1.0.0;rm -rf ~` is only ever a string; refs are
always named in full (`refs/tags/NAME`), so a name cannot be read as an option. A failure raises
`ToolError` with git's own stderr in its detail.
"""

from __future__ import annotations

import tarfile
import tempfile
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ConfigError, ContentError, ToolError

# Never wait for a password on the terminal; read git's messages in English.
_ENV = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "LANGUAGE": "C"}


@dataclass(frozen=True)
class TagRef:
    """A tag as git has it: its name, the object it names, and the commit that object leads to."""

    name: str
    object: str  # the tag object (annotated) or the commit itself (lightweight)
    commit: str
    annotated: bool


@dataclass(frozen=True)
class Signature:
    """The author of a commit: name, e-mail, and the time in seconds since 1970."""

    name: str
    email: str
    time: int


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: bytes
    stderr: str

    @property
    def text(self) -> str:
        return self.stdout.decode("utf-8", "replace").strip()


class Repository:
    """One git repository, found from a folder inside its work tree."""

    def __init__(self, root: Path, *, timeout: float) -> None:
        self.root = root
        self.timeout = timeout

    @classmethod
    def find(cls, folder: Path, *, timeout: float) -> Repository:
        probe = cls(folder, timeout=timeout)
        result = probe.run("rev-parse", "--show-toplevel", check=False)
        if result.returncode != 0:
            raise ConfigError(f"{folder} is not in a git repository", hint="run presswork in the book's git repository, or git init one")
        return cls(Path(result.text).resolve(), timeout=timeout)

    # --- running git -----------------------------------------------------------------------------

    def run(
        self,
        *args: str,
        check: bool = True,
        stdin: Path | None = None,
        output: Path | None = None,
        config: dict[str, str] | None = None,
    ) -> Result:
        """Run `git args` in the repository; raise `ToolError` (with git's stderr) if `check` and it fails."""
        try:
            from git.cmd import Git
            from git.exc import GitCommandNotFound
        except ImportError as error:  # GitPython looks for git when it is first imported
            raise ToolError("git was not found", hint="install git, e.g. apt-get install git") from error

        options = [item for key, value in (config or {}).items() for item in ("-c", f"{key}={value}")]
        command = [Git.GIT_PYTHON_GIT_EXECUTABLE or "git", *options, *args]
        runner = Git(self.root)
        try:
            with _open(stdin, "rb") as source, _open(output, "wb") as sink:
                status, stdout, stderr = runner.execute(
                    command,
                    istream=source,
                    output_stream=sink,
                    with_extended_output=True,
                    with_exceptions=False,
                    stdout_as_string=False,
                    kill_after_timeout=self.timeout,
                    env=_ENV,
                )
        except GitCommandNotFound as error:
            raise ToolError("git was not found", hint="install git, e.g. apt-get install git") from error
        stdout = stdout if isinstance(stdout, bytes) else b""
        result = Result(status, stdout, stderr.strip())
        if result.stderr.startswith("Timeout:"):  # GitPython killed it
            raise ToolError(f"git {args[0]} timed out after {self.timeout:g} s and was stopped", hint="raise timeout in mkdocs.yml")
        if check and status != 0:
            first = next((" ".join(line.split()) for line in result.stderr.splitlines() if line.strip()), "")
            raise ToolError(f"git {args[0]} failed: {first or f'exit code {status}'}", detail=result.stderr)
        return result

    # --- reading ---------------------------------------------------------------------------------

    def resolve(self, ref: str) -> str | None:
        """The object id `ref` names (a full ref such as `refs/heads/main`), or None."""
        result = self.run("rev-parse", "--verify", "--quiet", "--end-of-options", ref, check=False)
        return result.text if result.returncode == 0 else None

    def tags(self) -> list[TagRef]:
        """Every tag of the repository."""
        fields = "%(refname)%00%(objecttype)%00%(objectname)%00%(*objectname)%00%(*objecttype)"
        out = self.run("for-each-ref", f"--format={fields}", "refs/tags/").text
        tags = []
        for line in out.splitlines():
            refname, kind, object_id, peeled, peeled_kind = line.split("\0")
            commit = object_id if kind == "commit" else peeled if peeled_kind == "commit" else None
            if commit is None:  # a tag of a tag, or of something that is not a commit
                commit = self.resolve(f"{refname}^{{commit}}")
            if commit is not None:
                tags.append(TagRef(refname.removeprefix("refs/tags/"), object_id, commit, kind == "tag"))
        return tags

    def tag(self, name: str) -> TagRef | None:
        return next((tag for tag in self.tags() if tag.name == name), None)

    def commit_time(self, commit: str) -> int:
        """When `commit` was committed, in seconds since 1970: a release's SOURCE_DATE_EPOCH."""
        return int(self.run("show", "-s", "--format=%ct", commit).text)

    def head(self) -> str | None:
        return self.resolve("HEAD")

    def current_branch(self) -> str | None:
        result = self.run("symbolic-ref", "--quiet", "HEAD", check=False)
        return result.text if result.returncode == 0 else None

    def is_ancestor(self, commit: str, ref: str) -> bool:
        result = self.run("merge-base", "--is-ancestor", commit, ref, check=False)
        if result.returncode not in (0, 1):
            raise ToolError(f"git merge-base failed: {result.stderr}", detail=result.stderr)
        return result.returncode == 0

    def read_blob(self, commit: str, path: str) -> bytes | None:
        """The bytes of `path` in `commit`'s tree, or None when it has no such file."""
        result = self.run("cat-file", "blob", f"{commit}:{path}", check=False)
        return result.stdout if result.returncode == 0 else None

    def dirty(self) -> bool:
        return bool(self.run("status", "--porcelain", "--untracked-files=normal").text)

    def remote_exists(self, name: str) -> bool:
        return self.run("remote", "get-url", name, check=False).returncode == 0

    def zero_id(self) -> str:
        """The null object id of this repository's hash (40 zeros for SHA-1, 64 for SHA-256)."""
        result = self.run("rev-parse", "--show-object-format", check=False)
        return "0" * (64 if result.text == "sha256" else 40)

    def identity(self, now: int) -> str:
        """`Name <email> TIME ZONE` for a commit Presswork writes: the user's, else Presswork's at `now`."""
        result = self.run("var", "GIT_COMMITTER_IDENT", check=False)
        if result.returncode == 0 and result.text:
            return result.text
        return f"Presswork <presswork@localhost> {now} +0000"

    # --- signatures ------------------------------------------------------------------------------

    def verify_tag(self, name: str, allowed_signers: Path) -> tuple[bool, str]:
        """Whether the signature of tag `name` verifies against `allowed_signers`, and git's message."""
        result = self.run(
            "verify-tag",
            "--raw",
            f"refs/tags/{name}",
            check=False,
            config={"gpg.ssh.allowedSignersFile": str(allowed_signers)},
        )
        return result.returncode == 0, result.stderr

    # --- history: what changed between two commits, and who changed it ----------------------------

    def commit_of(self, ref: str) -> str | None:
        """The commit a branch, tag or commit name leads to, or None (a name that starts with '-' is none)."""
        if not ref or ref.startswith("-"):
            return None
        return self.resolve(f"{ref}^{{commit}}")

    def merge_base(self, one: str, other: str) -> str | None:
        result = self.run("merge-base", one, other, check=False)
        return result.text if result.returncode == 0 and result.text else None

    def renames(self, old: str, new: str, folder: str) -> dict[str, str]:
        """Files under `folder` (a path in the repository) that git sees renamed from `old` to `new`: old -> new."""
        out = self.run(
            "diff", "--name-status", "-z", "--find-renames", "--no-color", "--no-ext-diff", old, new, "--", folder or "."
        ).stdout.decode("utf-8", "replace")
        fields = out.split("\0")
        found, index = {}, 0
        while index < len(fields) and fields[index]:
            status = fields[index]
            if status.startswith(("R", "C")):
                if status.startswith("R"):
                    found[fields[index + 1]] = fields[index + 2]
                index += 3
            else:
                index += 2
        return found

    def author(self, commit: str) -> Signature:
        """Who wrote `commit`, and when."""
        return self._signature(self.run("show", "-s", "--format=%an%x00%ae%x00%at", commit, "--").text)

    def last_change(self, old: str, new: str, paths: list[str]) -> Signature | None:
        """Who made the newest commit after `old` up to `new` that touched any of `paths`, or None."""
        text = self.run("log", "-1", "--format=%an%x00%ae%x00%at", f"{old}..{new}", "--", *paths).text
        return self._signature(text) if text else None

    @staticmethod
    def _signature(text: str) -> Signature:
        name, email, when = text.split("\0")
        return Signature(name, email, int(when))

    # --- writing ---------------------------------------------------------------------------------

    def export(self, commit: str, folder: Path) -> None:
        """Write `commit`'s tree (and nothing else: no untracked or changed file) into `folder`."""
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="presswork-export-") as scratch:
            archive = Path(scratch) / "tree.tar"
            self.run("archive", "--format=tar", commit, output=archive)
            with tarfile.open(archive) as tar:
                try:
                    tar.extractall(folder, filter="data")  # refuses links out of the tree, absolute paths, ..
                except tarfile.FilterError as error:
                    raise ContentError(
                        f"the tagged tree holds a path that leaves it: {error}",
                        hint="remove the link or path that points outside the repository",
                    ) from error

    def fast_import(self, stream: Path, marks: Path) -> None:
        """Write the objects of a fast-import `stream`; their ids go to the `marks` file."""
        self.run("fast-import", "--quiet", "--done", f"--export-marks={marks}", stdin=stream)

    def push(self, remote: str, commit: str, ref: str) -> Result:
        """Push `commit` to `ref` on `remote`, never forced; the caller reads a rejection from the result."""
        return self.run("push", "--porcelain", remote, f"{commit}:{ref}", check=False)

    def update_ref(self, ref: str, new: str, old: str | None, message: str) -> None:
        """Move `ref` to `new` only if it is still at `old` (None: only if it does not exist yet)."""
        self.run("update-ref", "-m", message, ref, new, old or "")


def _open(path: Path | None, mode: str):
    return open(path, mode) if path is not None else nullcontext()
