"""Publishing: only a tag is ever published, as an immutable, versioned release readers download.

`gate` decides whether a tag may be published; `release` builds the tag's own tree and writes its
checksums and manifest; `catalog` is the record of published editions; `targets` (`site_branch`,
`directory`) hold them; `flow` strings these together as `publish`, `prebuild` (`publish
--build-only`), `verify` and `status`.
"""

from pipeline.publish.flow import (
    FileCheck,
    Mismatch,
    Prebuilt,
    Published,
    Status,
    prebuild,
    publish,
    require_identical,
    status,
    verify,
)
from pipeline.publish.gate import Refusal
from pipeline.publish.targets import Conflict

__all__ = [
    "Conflict",
    "FileCheck",
    "Mismatch",
    "Prebuilt",
    "Published",
    "Refusal",
    "Status",
    "prebuild",
    "publish",
    "require_identical",
    "status",
    "verify",
]
