"""Fonts: what the PDF is typeset in, beyond the fonts typst bundles.

typst bundles Libertinus Serif (Latin, Greek, Cyrillic), New Computer Modern and DejaVu Sans Mono.
Every other script is typeset in Noto fonts from Debian's packages (`fonts-noto-core`,
`fonts-noto-cjk`, `fonts-noto-color-emoji`; `make install` installs them where it may). typst is
handed one folder of links to the files listed here and nothing else the machine has, so the same
packages give the same PDF, byte for byte; the release manifest names each file with its version
and SHA-256. A character none of them shows is an error at its chapter and line
(`pipeline.tools.typst` asks typst itself, before the PDF is written), never an empty box.
"""

from __future__ import annotations

import functools
import hashlib
import struct
from dataclasses import dataclass
from pathlib import Path

NOTO = Path("/usr/share/fonts/truetype/noto")
NOTO_CJK = Path("/usr/share/fonts/opentype/noto")


@dataclass(frozen=True)
class Font:
    family: str  # as the template names it (for a collection, one of its families)
    path: Path
    package: str  # the Debian package it comes from

    @property
    def present(self) -> bool:
        return self.path.is_file()


def _pair(family: str, stem: str, package: str = "fonts-noto-core") -> tuple[Font, ...]:
    return tuple(Font(family, NOTO / f"{stem}-{weight}.ttf", package) for weight in ("Regular", "Bold"))


# In the order the template falls back through them; each family covers scripts Libertinus lacks.
FONTS: tuple[Font, ...] = (
    Font("Noto Serif CJK SC", NOTO_CJK / "NotoSerifCJK-Regular.ttc", "fonts-noto-cjk"),  # also TC, HK, JP, KR
    Font("Noto Serif CJK SC", NOTO_CJK / "NotoSerifCJK-Bold.ttc", "fonts-noto-cjk"),
    Font("Noto Sans Mono CJK SC", NOTO_CJK / "NotoSansCJK-Regular.ttc", "fonts-noto-cjk"),  # code in CJK
    *_pair("Noto Naskh Arabic", "NotoNaskhArabic"),
    *_pair("Noto Serif Hebrew", "NotoSerifHebrew"),
    *_pair("Noto Serif Devanagari", "NotoSerifDevanagari"),
    *_pair("Noto Serif Bengali", "NotoSerifBengali"),
    *_pair("Noto Serif Tamil", "NotoSerifTamil"),
    *_pair("Noto Serif Thai", "NotoSerifThai"),
    *_pair("Noto Serif Armenian", "NotoSerifArmenian"),
    *_pair("Noto Serif Georgian", "NotoSerifGeorgian"),
    *_pair("Noto Serif Ethiopic", "NotoSerifEthiopic"),
    *_pair("Noto Serif", "NotoSerif"),  # Latin, Greek and Cyrillic letters Libertinus lacks (Vietnamese, say)
    Font("Noto Sans Symbols", NOTO / "NotoSansSymbols-Regular.ttf", "fonts-noto-core"),
    Font("Noto Sans Symbols 2", NOTO / "NotoSansSymbols2-Regular.ttf", "fonts-noto-core"),
    Font("Noto Sans Math", NOTO / "NotoSansMath-Regular.ttf", "fonts-noto-core"),
    Font("Noto Color Emoji", NOTO / "NotoColorEmoji.ttf", "fonts-noto-color-emoji"),
)

PACKAGES = tuple(dict.fromkeys(font.package for font in FONTS))


def present() -> list[Font]:
    return [font for font in FONTS if font.present]


def missing_packages() -> list[str]:
    """The packages some of whose fonts are not on this machine."""
    return [package for package in PACKAGES if any(not f.present for f in FONTS if f.package == package)]


def folder(destination: Path) -> Path:
    """A folder of links to the fonts present, for typst's `font_paths`: it reads no other font."""
    destination.mkdir(parents=True, exist_ok=True)
    for font in present():
        link = destination / font.path.name
        if not link.exists():
            link.symlink_to(font.path)
    return destination


def fingerprint() -> list[str]:
    """What a cached PDF depends on among the fonts: each file present, by its name, size and time
    (cheap enough for every build; the manifest has their digests)."""
    return [f"{font.path.name}:{(s := font.path.stat()).st_size}:{s.st_mtime_ns}" for font in present()]


def manifest() -> list[dict[str, str]]:
    """Each font file the PDF may be typeset with beyond typst's own: file, package, version, SHA-256."""
    return [
        {
            "file": font.path.name,
            "family": font.family,
            "package": font.package,
            "version": version(font.path),
            "sha256": _digest(str(font.path)),
        }
        for font in present()
    ]


@functools.cache
def _digest(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def version(path: Path) -> str:
    """The font's own version string (its `name` table's entry 5, of the first font of a
    collection), or '' when the file does not say."""
    with open(path, "rb") as stream:
        data = stream.read(1 << 16)
        offset = struct.unpack(">I", data[12:16])[0] if data[:4] == b"ttcf" else 0
        stream.seek(offset)
        header = stream.read(12 + 16 * 64)
        count = struct.unpack(">H", header[4:6])[0]
        for index in range(count):
            tag, _, table, length = struct.unpack(">4sIII", header[12 + 16 * index : 28 + 16 * index])
            if tag == b"name":
                stream.seek(table)
                return _name(stream.read(length), 5)
    return ""


def _name(table: bytes, wanted: int) -> str:
    count, strings = struct.unpack(">HH", table[2:6])
    for index in range(count):
        platform, _, _, name, length, offset = struct.unpack(">HHHHHH", table[6 + 12 * index : 18 + 12 * index])
        if name == wanted:
            raw = table[strings + offset : strings + offset + length]
            return (raw.decode("utf-16-be", "replace") if platform in (0, 3) else raw.decode("latin-1")).strip()
    return ""
