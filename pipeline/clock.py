"""The one place that knows what time the build is: `SOURCE_DATE_EPOCH`, else now.

A release sets `SOURCE_DATE_EPOCH` from its tag's commit, so the same tag gives the same bytes.
"""

from __future__ import annotations

import datetime as _dt
import time
from collections.abc import Mapping

from pipeline.errors import ConfigError

LATEST = 253402300799  # 9999-12-31T23:59:59Z: the last moment a date in a book's metadata can name


def build_epoch(environ: Mapping[str, str]) -> int:
    """Seconds since 1970 for this build, from `SOURCE_DATE_EPOCH` when it is set."""
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return int(time.time())
    if not value.isdigit() or int(value) > LATEST:
        raise ConfigError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds up to {LATEST} (the end of 9999), not '{value}'",
            hint="unset it or set it to e.g. $(git log -1 --format=%ct)",
        )
    return int(value)


def utc(epoch: int) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(epoch, tz=_dt.timezone.utc)
