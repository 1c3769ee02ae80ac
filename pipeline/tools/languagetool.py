"""LanguageTool: installed from Maven Central into a cache folder, run as a loopback server, asked
through the language-tool-python package.

`presswork install languagetool` installs the newest 6.x that resolves (`make install`
runs it). A check uses the server kept running between runs (`Kept`, see `pipeline.tools.daemon`),
starting it when none runs; with `--no-daemon` it starts one of its own on a free loopback port
(`Server`), waits until it answers, and stops it when the check ends, also on Ctrl-C or an error.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ConfigError, ToolError
from pipeline.tools import daemon, java, maven, process

VERSIONS = ("6.8", "6.7", "6.6", "6.5")  # the newest that resolves is installed
_ARTIFACTS = ("org.languagetool:languagetool-server:{v}", "org.languagetool:language-en:{v}")
_HOW_TO_FIX = "install it with 'presswork install languagetool', pass --languagetool-url URL of a LanguageTool server, or --no-grammar"
_NO_SERVER = "start the server, pass the --languagetool-url of one that runs, or --no-grammar"


@dataclass(frozen=True)
class Match:
    """One LanguageTool finding, offsets in Python characters of the text that was sent."""

    offset: int
    length: int
    rule: str
    category: str
    issue_type: str
    message: str
    replacements: tuple[str, ...]


@dataclass(frozen=True)
class Installation:
    version: str
    classpath: str


def installed(cache: Path) -> Installation | None:
    """The newest complete installation in `cache`, if any."""
    for version in VERSIONS:
        classpath = maven.installed(cache / "languagetool" / version)
        if classpath:
            return Installation(version, classpath)
    return None


def install(cache: Path, *, timeout: float = 1800) -> Installation:
    """Install LanguageTool with Maven (or, without Maven, with language-tool-python's own download)."""
    found = installed(cache)
    if found:
        return found
    (cache / "languagetool").mkdir(parents=True, exist_ok=True)
    if not maven.available():
        return _download(cache)
    failed = None
    for version in VERSIONS:
        try:
            artifacts = [artifact.format(v=version) for artifact in _ARTIFACTS]
            return Installation(
                version, maven.install(cache / "languagetool" / version, artifacts, name=f"LanguageTool {version}", timeout=timeout)
            )
        except ToolError as error:
            failed = error
    raise ToolError(f"no LanguageTool {'/'.join(VERSIONS)} could be installed with Maven", detail=failed.detail if failed else "")


def _download(cache: Path) -> Installation:
    """Without Maven: language-tool-python's own download (from languagetool.org, not a registry)."""
    os.environ["LTP_PATH"] = str(cache / "languagetool" / "download")
    from language_tool_python import download_lt

    download_lt.download_lt()
    jars = sorted((cache / "languagetool" / "download").rglob("languagetool-server.jar"))
    if not jars:
        raise ToolError("language-tool-python's download has no languagetool-server.jar")
    folder = cache / "languagetool" / download_lt.LTP_DOWNLOAD_VERSION
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "complete").write_text(os.path.relpath(jars[-1], folder))
    return Installation(download_lt.LTP_DOWNLOAD_VERSION, str(jars[-1]))


class Server:
    """A LanguageTool server of our own on a free loopback port, for the length of a `with` block."""

    def __init__(self, installation: Installation, *, heap: str = "1g", startup: float = 180) -> None:
        self.installation = installation
        self.heap = heap
        self.startup = startup
        self.url = ""
        self._child: subprocess.Popen[bytes] | None = None
        self._log = None

    def __enter__(self) -> Server:
        port = daemon.free_port()
        command = [
            java.executable(), f"-Xmx{self.heap}", "-cp", self.installation.classpath,
            "org.languagetool.server.HTTPServer", "--port", str(port),
        ]  # fmt: skip
        self._log = tempfile.TemporaryFile()  # a file, not a pipe: a full pipe would stall the server
        self._child = process.spawn(command, stdout=self._log, stderr=self._log, stdin=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{port}/v2/"
        try:
            self._wait()
        except BaseException:  # Ctrl-C while it starts, too: a `with` calls __exit__ only after __enter__
            self.__exit__(None, None, None)
            raise
        return self

    def _wait(self) -> None:
        deadline = time.monotonic() + self.startup
        while time.monotonic() < deadline:
            if self._child.poll() is not None:
                self._log.seek(0)
                output = self._log.read().decode("utf-8", "replace")
                raise ToolError("the LanguageTool server stopped while starting", detail=output[-4000:])
            if _answers(self.url):
                return
            time.sleep(0.25)
        raise ToolError(
            f"the LanguageTool server did not answer within {self.startup:g} s", hint="run with --no-grammar to check without it"
        )

    def alive(self) -> bool:
        return self._child is not None and self._child.poll() is None

    def restart(self) -> None:
        """Stop what is left of the server and start a new one (on a new port)."""
        self.__exit__(None, None, None)
        self.__enter__()

    def __exit__(self, *exc) -> None:
        if self._child is not None and self._child.poll() is None:
            os.killpg(self._child.pid, 15)
            try:
                self._child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self._child.pid, 9)
                self._child.wait()
        if self._child is not None:
            process.release(self._child)
        self._child = None
        if self._log is not None:
            self._log.close()
            self._log = None


class Kept:
    """LanguageTool's server kept running between runs in the daemons' `folder` (`daemon.home()`), for
    the length of a `with` block: started if none runs from this installation and heap, and left
    running `idle` seconds after the last run (`pipeline.tools.daemon`)."""

    def __init__(self, installation: Installation, folder: Path, *, heap: str = "1g", idle: float = 600, startup: float = 180) -> None:
        self.installation, self.folder, self.heap, self.idle, self.startup = installation, folder, heap, idle, startup
        self.url = ""
        self._stack = contextlib.ExitStack()

    def _how(self) -> dict:
        return dict(
            identity={"version": self.installation.version, "heap": self.heap, "java": java.executable(),
                      "classpath": [os.path.realpath(entry) for entry in self.installation.classpath.split(os.pathsep)]},
            command=[java.executable(), f"-Xmx{self.heap}", "-cp", self.installation.classpath, "org.languagetool.server.HTTPServer",
                     "--port", "{port}"],
            address="http://127.0.0.1:{port}/v2/", idle=self.idle, answers=_answers, startup=self.startup, title="the LanguageTool server",
        )  # fmt: skip

    def __enter__(self) -> Kept:
        self.url = self._stack.enter_context(daemon.used(self.folder, **self._how()))
        return self

    def alive(self) -> bool:
        return bool(self.url) and _answers(self.url)

    def restart(self) -> None:
        """A new server in place of one that died (on a new port)."""
        self.url = daemon.warm(self.folder, **self._how(), replace=True)

    def __exit__(self, *exc) -> None:
        self._stack.close()


def version(url: str) -> str:
    """The version a LanguageTool server reports."""
    data = _post(url + "check", {"language": "en-US", "text": "a"}, timeout=60)
    return str(data.get("software", {}).get("version", "unknown"))


def check(
    url: str,
    language: str,
    texts: list[str],
    *,
    disabled: set[str],
    only: set[str] | None = None,
    workers: int = 4,
    timeout: float = 120,
    on_checked: Callable[[], None] = lambda: None,
) -> list[list[Match]]:
    """Every text checked (concurrently, over several connections), with every rule but those
    `disabled`, or with the rules of the categories `only` names and no others; matches in Python
    characters. `on_checked` hears of each text as its answer comes (from the pool's threads)."""
    import language_tool_python

    try:
        tool = language_tool_python.LanguageTool(language, remote_server=url.removesuffix("v2/"))  # asks the server its languages
    except Exception as error:  # the package's own errors, for a server that does not answer or hangs up
        raise ToolError(f"LanguageTool failed: {' '.join(str(error).split())[:200]}") from error
    tool.disabled_rules = set(disabled)
    if only is not None:
        tool.enabled_categories = set(only)
        tool.enabled_rules_only = True

    def one(text: str) -> list[Match]:
        try:
            found = tool.check(_bmp(text))
        except Exception as error:  # the package raises its own errors for HTTP and server failures
            raise ToolError(f"LanguageTool failed: {' '.join(str(error).split())[:200]}") from error
        on_checked()
        return [
            Match(
                offset=m.offset,
                length=m.error_length,
                rule=m.rule_id,
                category=m.category,
                issue_type=m.rule_issue_type,
                message=m.message,
                replacements=tuple(m.replacements[:5]),
            )
            for m in found
        ]

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, texts))


def _bmp(text: str) -> str:
    """Characters outside the Basic Multilingual Plane (emoji, rare CJK) as one BMP symbol each.

    LanguageTool counts offsets in UTF-16 units, Python in code points; language-tool-python's own
    correction keeps its state in a class attribute, unsafe across threads. With no character that
    takes two UTF-16 units, both counts agree and nothing needs correcting.
    """
    return "".join("\u263a" if ord(char) > 0xFFFF else char for char in text)


def unavailable(reason: str, *, server: bool = False) -> ConfigError:
    """LanguageTool cannot be had: not installed, or (`server`) a server named by its address does not answer."""
    return ConfigError(f"LanguageTool is not available: {reason}", hint=_NO_SERVER if server else _HOW_TO_FIX)


def _answers(url: str) -> bool:
    try:
        _post(url + "check", {"language": "en-US", "text": "Ready."}, timeout=5)
        return True
    except (OSError, ValueError):
        return False


def _post(url: str, fields: dict[str, str], *, timeout: float) -> dict:
    data = urllib.parse.urlencode(fields).encode()
    with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=timeout) as response:
        return process.read_json("LanguageTool", response.read())


def install_into(cache: Path) -> str:
    """Install LanguageTool into `cache` (`presswork install languagetool`); what is installed."""
    installation = install(cache)
    return f"LanguageTool {installation.version} is installed ({installation.classpath})"


if __name__ == "__main__":
    from pipeline import tools

    raise SystemExit(tools.module_main("languagetool", sys.argv[1:]))
