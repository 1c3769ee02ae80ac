"""The progress display: a line for each stage as it ends, with its time; on a terminal, one live line
shows every stage still running (editions build side by side) with a spinner and their clocks."""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
_NOTE: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("presswork_note", default=None)


def doing(text: str) -> None:
    """Say on the live line what the stage this code runs in is doing now ("DAISY Ace: document 12 of
    100"): for a tool deep inside a stage, which has no note in hand. A thread that works for a stage
    says it through the stage's context (`contextvars.copy_context().run`)."""
    note = _NOTE.get()
    if note is not None:
        note["doing"] = text


class Progress:
    def __init__(self, stream: TextIO, *, enabled: bool = True) -> None:
        self._stream = stream
        self._enabled = enabled
        self._live = enabled and stream.isatty()
        self._lock = threading.Lock()
        self._running: dict[int, tuple[str, float, dict[str, str]]] = {}
        self._ticker: threading.Thread | None = None
        self._frame = 0

    @contextmanager
    def step(self, label: str) -> Iterator[dict[str, str]]:
        """Time one stage; the caller may put a short note (`note["text"]`) to show when it ends, and
        say what it is doing meanwhile (`note["doing"]`, shown on the live line)."""
        note: dict[str, str] = {}
        token = id(note)
        start = time.monotonic()
        with self._lock:
            self._running[token] = (label, start, note)
            self._start_ticker()
        current = _NOTE.set(note)
        try:
            yield note
        except BaseException:
            self._finish(token, "✗", label, start, "")
            raise
        finally:
            _NOTE.reset(current)
        self._finish(token, "✓", label, start, note.get("text", ""))

    def error(self, text: str) -> None:
        """Text that explains a failure: shown even when the display is quiet."""
        with self._lock:
            self._clear()
            print(text, file=self._stream, flush=True)
            self._draw()

    def say(self, text: str) -> None:
        if self._enabled:
            with self._lock:
                self._clear()
                print(text, file=self._stream, flush=True)
                self._draw()

    def _finish(self, token: int, mark: str, label: str, start: float, text: str) -> None:
        with self._lock:
            self._running.pop(token, None)
            if not self._enabled:
                return
            self._clear()
            line = f"{mark} {label:<14} {time.monotonic() - start:5.1f} s  {text}".rstrip()
            self._stream.write(line + "\n")
            self._draw()
            self._stream.flush()

    def _start_ticker(self) -> None:
        if self._live and (self._ticker is None or not self._ticker.is_alive()):
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()

    def _tick(self) -> None:
        while True:
            time.sleep(0.1)
            with self._lock:
                if not self._running:
                    self._clear()
                    self._stream.flush()
                    return
                self._frame += 1
                self._clear()
                self._draw()
                self._stream.flush()

    def _clear(self) -> None:
        if self._live:
            self._stream.write("\r\x1b[K")

    def _draw(self) -> None:
        if self._live and self._running:
            now = time.monotonic()
            parts = " · ".join(_shown(label, note, now - start) for label, start, note in self._running.values())
            self._stream.write(f"{_FRAMES[self._frame % len(_FRAMES)]} {parts}")


def _shown(label: str, note: dict[str, str], seconds: float) -> str:
    """A running stage on the live line: its label, what it is doing if it says, and its clock."""
    doing = f" ({note['doing']})" if note.get("doing") else ""
    return f"{label}{doing} {seconds:.1f} s"
