"""The error vocabulary: one root, a few kinds, each with its documented exit code.

Expected failures are raised as a `PressworkError` and caught once, in `pipeline.cli`, which prints
`str(error)`: one line naming the file and line, what went wrong and what to do next.
"""

from __future__ import annotations

import enum
import stat
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
