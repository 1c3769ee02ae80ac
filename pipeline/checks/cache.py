"""The findings cache: one entry per paragraph, keyed by its text, the engine and its version, the
language and the rule settings. A re-check of an unchanged book asks no engine anything.

Answers are written to `findings.sqlite` in the cache's `checks/` folder, and read from it and from
any other `*.sqlite` beside it: the caches of runs made elsewhere, such as the shards of a check
spread over CI runners (`check --shard I/N`), each copied in under a name of its own."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any


class FindingsCache:
    def __init__(self, folder: Path | None) -> None:
        self._db: sqlite3.Connection | None = None
        self._others: list[sqlite3.Connection] = []  # read only
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(folder / "findings.sqlite", timeout=30, check_same_thread=False)
            self._db.execute("CREATE TABLE IF NOT EXISTS findings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self._others = [
                sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30, check_same_thread=False)
                for path in sorted(folder.glob("*.sqlite"))
                if path.name != "findings.sqlite"
            ]

    @staticmethod
    def key(*parts: Any) -> str:
        return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def get(self, key: str) -> Any | None:
        if self._db is None:
            return None
        row = self._db.execute("SELECT value FROM findings WHERE key = ?", (key,)).fetchone()
        for other in self._others if row is None else []:
            try:
                row = other.execute("SELECT value FROM findings WHERE key = ?", (key,)).fetchone()
            except sqlite3.DatabaseError:  # not a findings cache: nothing from it
                continue
            if row is not None:
                break
        if row is None:
            return None
        try:
            return json.loads(row[0])
        except json.JSONDecodeError:  # a damaged entry is checked again, never used
            return None

    def put_many(self, items: dict[str, Any]) -> None:
        if self._db is None or not items:
            return
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO findings (key, value) VALUES (?, ?)",
                [(key, json.dumps(value, ensure_ascii=False)) for key, value in items.items()],
            )

    def close(self) -> None:
        for db in [self._db, *self._others]:
            if db is not None:
                db.close()
