"""The error vocabulary: one root, a few kinds, each with its documented exit code.

Expected failures are raised as a `PressworkError` and caught once, in `pipeline.cli`, which prints
`str(error)`: one line naming the file and line, what went wrong and what to do next.
"""

from __future__ import annotations

import enum
import stat
import sys
import traceback
from importlib import metadata
from pathlib import Path


class ExitCode(enum.IntEnum):
    """The exit codes of the `presswork` command, as documented in the README."""

    OK = 0
    CONTENT = 1  # a chapter, image, link or front matter is wrong
    USAGE = 2  # a bad command line or configuration
    TOOL = 3  # an external tool failed, timed out or is missing
    INVALID = 4  # a built edition failed its own validation (EPUBCheck, ...)
    INTERNAL = 70  # a bug in Presswork itself
    CANNOT_WRITE = 73  # the output cannot be written: a full disk, a read-only file system, a file where a folder goes
    INTERRUPTED = 130


class PressworkError(Exception):
    """The root of every expected failure."""

    exit_code = ExitCode.CONTENT

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.hint = hint
        self.detail = detail  # longer text (a tool's stderr) shown under the one line with --debug

    def location(self) -> str:
        if self.path is None:
            return ""
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        """One line, `file:line:column: error: what went wrong (what to do)`, as compilers print them."""
        text = f"error: {self.message}"
        where = self.location()
        if where:
            text = f"{where}: {text}"
        if self.hint:
            text = f"{text} ({self.hint})"
        return text


class ContentError(PressworkError):
    """A chapter, an image, a link or front matter is wrong."""

    exit_code = ExitCode.CONTENT


class ConfigError(PressworkError):
    """The configuration or the command line is wrong."""

    exit_code = ExitCode.USAGE


class ConfigErrors(ConfigError):
    """Several configuration problems, reported together, one per line."""

    def __init__(self, problems: list[ConfigError]) -> None:
        super().__init__(f"{len(problems)} configuration problem(s)")
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


class ToolError(PressworkError):
    """An external tool failed, timed out or could not be found."""

    exit_code = ExitCode.TOOL


class ValidationError(PressworkError):
    """A built edition failed the validation of its own format."""

    exit_code = ExitCode.INVALID


class WriteError(PressworkError):
    """The output cannot be written: a full disk, a read-only file system, a file where a folder goes."""

    exit_code = ExitCode.CANNOT_WRITE


def what_is(path: Path) -> str:
    """What a path that is no regular file is, for a message: "a folder", "a named pipe (FIFO)", ..."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "missing"
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device")):  # fmt: skip
        if test(mode):
            return name
    return "not a regular file"


class Failures(PressworkError):
    """Several editions failed at once: each is said, one per line; the exit code is the first's."""

    def __init__(self, failures: list[PressworkError]) -> None:
        super().__init__(f"{len(failures)} editions failed")
        self.failures = failures
        self.exit_code = failures[0].exit_code

    def __str__(self) -> str:
        return "\n".join(dict.fromkeys(str(failure) for failure in self.failures))


# What MkDocs runs for a book beside Presswork: MkDocs and Python-Markdown, their plugins, extensions,
# themes and mkdocstrings' handlers, known by their distribution's name or the entry points it declares.
_EXTENSION_PREFIXES = ("mkdocs", "markdown", "pymdown", "mkdocstrings", "mdx")
_EXTENSION_GROUPS = {"mkdocs.plugins", "mkdocs.themes", "markdown.extensions"}


def outside(error: BaseException) -> PressworkError | None:
    """An unexpected exception that was raised in code that is not Presswork's, told as what it is:
    a book's own hook or macro module (a problem in the book, at its file and line), or an MkDocs
    plugin, Markdown extension or theme (a tool that failed, named with its version). None when
    Presswork's own code raised it: that is a bug. An error a plugin raised while it ran the book's
    module (macros importing it) is the book's, at the line where its own error began."""
    causes = [error]
    while (cause := causes[-1].__cause__ or causes[-1].__context__) is not None and len(causes) < 8 and cause not in causes:
        causes.append(cause)
    for cause in reversed(causes[1:]):  # the first error, from which the others followed
        found = _raised_in(cause)
        if isinstance(found, ContentError):
            return found
    return _raised_in(error)


def _raised_in(error: BaseException) -> PressworkError | None:
    own = Path(__file__).resolve().parent
    distributions = metadata.packages_distributions()
    for frame, line in reversed(list(traceback.walk_tb(error.__traceback__))):  # the innermost first
        file = Path(frame.f_code.co_filename)
        if file.is_relative_to(own):
            return None  # raised, or passed on, by Presswork's own code
        module = str(frame.f_globals.get("__name__", "")).split(".")[0]
        if module in sys.stdlib_module_names:
            continue
        names = distributions.get(module, [])
        if not names and file.is_file() and "site-packages" not in file.parts:
            shown = file.relative_to(Path.cwd()) if file.is_relative_to(Path.cwd()) else file
            return ContentError(
                f"the book's Python module failed: {type(error).__name__}: {error}", path=shown, line=line,
                hint="MkDocs runs it for the book (a hook, macros); fix it, or run `mkdocs build` to see its traceback",
            )  # fmt: skip
        for name in names:
            distribution = metadata.distribution(name)
            groups = {entry.group for entry in distribution.entry_points}
            if name.lower().startswith(_EXTENSION_PREFIXES) or groups & _EXTENSION_GROUPS:
                return ToolError(
                    f"{name} {distribution.version} failed: {type(error).__name__}: {error}",
                    hint=f"MkDocs runs it for the book: check its options in mkdocs.yml against what {name} {distribution.version} accepts",
                )
        # a library of general use (pydantic, lxml): whoever called it is looked at next
    return None
