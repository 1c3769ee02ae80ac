"""What an untrusted build leaves out, found where it is written: the raw HTML and raw blocks the
sanitiser drops from a chapter (`html/unsafe-html`), and what each SVG file of the docs folder loses."""

from __future__ import annotations

from pipeline.checks.findings import Finding, at
from pipeline.checks.reading import Reading
from pipeline.rendering import sanitiser


class Untrusted:
    step = "html"

    def wanted(self, reading: Reading) -> bool:
        return not reading.settings.trust.trusted

    def check(self, reading: Reading, note: dict[str, str]) -> list[Finding]:
        findings = [
            at(prose, unsafe.offset, unsafe.offset + unsafe.length, "warning", "html", "unsafe-html", f"{unsafe.what} is left out of an untrusted build")
            for prose in reading.chosen
            for unsafe in sanitiser.scan(prose.chapter.text)
        ]  # fmt: skip
        return findings if reading.options.paths else findings + _drawings(reading.settings)


CHECKER = Untrusted()


def _drawings(settings) -> list[Finding]:
    """What the SVG files of the docs folder lose, at each file."""
    root = settings.root.resolve()
    return [
        Finding(path.resolve().relative_to(root).as_posix() if path.resolve().is_relative_to(root) else str(path), 1, 1, 1, 2,
                "warning", "html", "unsafe-html", f"{what} is left out of the drawing in an untrusted build", ())
        for path, dropped in sanitiser.drawings(settings.docs_dir)
        for what in dropped
    ]  # fmt: skip
