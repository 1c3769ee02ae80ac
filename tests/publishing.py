"""Real git for the publishing tests: a book in a repository, a bare `origin` beside it, tags, keys.

Every repository is made with the `git` command in the test's own folder, with a fixed identity and
no user or system configuration, so what a test sees does not depend on the machine.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from conftest import TESTS, Run, presswork

from pipeline.tools import java, pandoc

BOOK = TESTS / "books" / "publishing"
SLUG = "publishing-fixture"
DAY = 86_400
START = 1_710_000_000  # 2024-03-09: the first commit's time; later commits are a day apart
REFUSED = "typesetting refused by the test"

ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Pat Publisher",
    "GIT_AUTHOR_EMAIL": "pat@example.org",
    "GIT_COMMITTER_NAME": "Pat Publisher",
    "GIT_COMMITTER_EMAIL": "pat@example.org",
}


def git(*args: str, cwd: Path, when: int | None = None, check: bool = True) -> str:
    env = {**os.environ, **ENV}
    if when is not None:
        env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"] = f"{when} +0000"
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
    return result.stdout.strip()


@dataclass
class Project:
    """A clone of the book with a bare `origin`: what a publisher has on their machine."""

    root: Path
    origin: Path

    def git(self, *args: str, when: int | None = None, check: bool = True) -> str:
        return git(*args, cwd=self.root, when=when, check=check)

    def commit(self, message: str, files: dict[str, str], when: int) -> str:
        for name, text in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        self.git("add", *files)
        self.git("commit", "-q", "-m", message, when=when)
        return self.git("rev-parse", "HEAD")

    def tag(self, name: str, *, commit: str = "HEAD", annotated: bool = True, key: Path | None = None, when: int = START) -> None:
        if key is not None:
            signing = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={key}"]
            self.git(*signing, "tag", "-s", name, commit, "-m", f"Version {name}", when=when)
        elif annotated:
            self.git("tag", "-a", name, commit, "-m", f"Version {name}", when=when)
        else:
            self.git("tag", name, commit)

    def presswork(self, *args: str) -> Run:
        """Run presswork in the clone; `publish` checks spelling and links but not grammar, which
        test_publish_gate's own test covers with LanguageTool, to keep these tests quick."""
        if args[:1] == ("publish",) and "--with-grammar" not in args:
            args = (*args, "--no-grammar")
        return presswork(*[a for a in args if a != "--with-grammar"], cwd=self.root, env=ENV)

    def refs(self) -> dict[str, str]:
        """Every ref of the clone and of the remote: what 'left as it was' is checked against."""
        ours = self.git("for-each-ref", "--format=%(refname) %(objectname)")
        theirs = git("for-each-ref", "--format=%(refname) %(objectname)", cwd=self.origin)
        return {f"clone {line.split()[0]}": line.split()[1] for line in ours.splitlines()} | {
            f"origin {line.split()[0]}": line.split()[1] for line in theirs.splitlines()
        }

    def read(self, ref: str, path: str) -> bytes:
        result = subprocess.run(["git", "cat-file", "blob", f"{ref}:{path}"], cwd=self.root, env={**os.environ, **ENV}, capture_output=True)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def files(self, ref: str) -> list[str]:
        return self.git("ls-tree", "-r", "--name-only", ref).splitlines()


def new_project(folder: Path) -> Project:
    """The fixture book committed on `main` (one commit, at START) and pushed to a bare `origin`."""
    origin = folder / "origin.git"
    git("init", "-q", "--bare", "-b", "main", str(origin), cwd=folder)
    root = folder / "work"
    shutil.copytree(BOOK, root)
    (root / ".gitignore").write_text("build/\n")
    git("init", "-q", "-b", "main", cwd=root)
    project = Project(root, origin)
    project.git("add", ".")
    project.git("commit", "-q", "-m", "The book", when=START)
    project.git("remote", "add", "origin", str(origin))
    project.git("push", "-q", "origin", "main")
    return project


def clone(project: Project, folder: Path) -> Project:
    """Another publisher's clone of the same remote."""
    git("clone", "-q", str(project.origin), str(folder), cwd=project.origin.parent)
    return Project(folder, project.origin)


def copy_project(project: Project, folder: Path) -> Project:
    """An independent copy of a clone and its remote, for a test that changes them."""
    folder.mkdir(parents=True, exist_ok=True)
    origin = shutil.copytree(project.origin, folder / "origin.git")
    root = shutil.copytree(project.root, folder / "work", symlinks=True, ignore=shutil.ignore_patterns("build"))
    copied = Project(root, origin)
    copied.git("remote", "set-url", "origin", str(origin))
    return copied


def ssh_key(folder: Path, name: str) -> tuple[Path, str]:
    """A new ed25519 key: its private key file and its line for an allowed-signers file."""
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True, timeout=60)
    public = key.with_suffix(".pub").read_text().split()
    return key, f"{name}@example.org {public[0]} {public[1]}\n"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def one_published_one_tagged(folder: Path) -> Project:
    """v1.0.0 published; v1.1.0 tagged on the next commit of main (HEAD), not published yet."""
    project = new_project(folder)
    project.tag("v1.0.0", when=START)
    run = project.presswork("publish", "v1.0.0", "--quiet")
    assert run.returncode == 0, run.stderr
    project.commit("More", {"book/second.md": "# Second chapter\n\nMore.\n"}, when=START + DAY)
    project.git("push", "-q", "origin", "main")
    project.tag("v1.1.0", when=START + DAY)
    return project


def no_typesetting(folder: Path, path: str | None = None) -> dict[str, str]:
    """An environment in which no edition can be typeset or validated: pandoc (through the override
    pypandoc honours) refuses to write Typst, EPUB or DOCX, and `java` refuses to run EPUBCheck.
    Reading chapters, `--version` and LanguageTool still work. `folder/pandoc.log` lists every pandoc run;
    `path` is the PATH the fakes go in front of (default: this process's)."""
    folder.mkdir(parents=True, exist_ok=True)
    wrapper = folder / "pandoc"
    wrapper.write_text(
        f'#!/bin/sh\necho "$*" >> "{folder / "pandoc.log"}"\n'
        f'case "$*" in *"--to typst"*|*"--to epub"*|*"--to docx"*) echo "{REFUSED}" >&2; exit 1;; esac\n'
        f'exec "{pandoc.executable()}" "$@"\n'
    )
    runner = folder / "java"
    runner.write_text(f'#!/bin/sh\ncase "$*" in *epubcheck*) echo "{REFUSED}" >&2; exit 1;; esac\nexec "{java.executable()}" "$@"\n')
    for fake in (wrapper, runner):
        fake.chmod(0o755)
    return {"PYPANDOC_PANDOC": str(wrapper), "PATH": f"{folder}{os.pathsep}{path or os.environ['PATH']}"}
