"""The progress display: one line per stage, with its time, on the terminal the CLI hands over."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


class Progress:
    """Prints `  pdf ...` while a stage runs (updated in place on a terminal) and `✓ pdf  2.1 s` after."""

    def __init__(self, stream: TextIO, *, enabled: bool = True) -> None:
        self._stream = stream
        self._enabled = enabled
        self._live = enabled and stream.isatty()
        self._lock = threading.Lock()

    @contextmanager
    def step(self, label: str) -> Iterator[dict[str, str]]:
        """Time one stage; the caller may put a short note (`note["text"]`) to show when it ends."""
        note: dict[str, str] = {}
        start = time.monotonic()
        stop = threading.Event()
        ticker = None
        if self._live:
            ticker = threading.Thread(target=self._tick, args=(label, start, stop), daemon=True)
            ticker.start()
        try:
            yield note
        except BaseException:
            self._finish("✗", label, start, stop, ticker, "")
            raise
        self._finish("✓", label, start, stop, ticker, note.get("text", ""))

    def say(self, text: str) -> None:
        if self._enabled:
            with self._lock:
                print(text, file=self._stream, flush=True)

    def _tick(self, label: str, start: float, stop: threading.Event) -> None:
        frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
        index = 0
        while not stop.wait(0.1):
            with self._lock:
                self._stream.write(f"\r{frames[index % len(frames)]} {label:<14} {time.monotonic() - start:5.1f} s")
                self._stream.flush()
            index += 1

    def _finish(self, mark: str, label: str, start: float, stop, ticker, text: str) -> None:
        stop.set()
        if ticker is not None:
            ticker.join()
        if not self._enabled:
            return
        line = f"{mark} {label:<14} {time.monotonic() - start:5.1f} s  {text}".rstrip()
        with self._lock:
            self._stream.write(("\r\x1b[K" if self._live else "") + line + "\n")
            self._stream.flush()
