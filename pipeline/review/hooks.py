"""The pre-commit hooks of `.pre-commit-hooks.yaml`: `presswork check` at commit time.

    fast   spelling (codespell and the book's vocabulary) and links, on the staged chapters only;
           staged files that are not chapters of the book (a README, a script) are left alone
    full   every check of every chapter, grammar (LanguageTool) included

pre-commit runs a hook on the staged content (it sets unstaged changes aside first) and passes the
staged file names; both exit as `presswork check` does: 0 clean, 1 a finding stops the commit, 2 a
usage or configuration problem.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline import cli
from pipeline.errors import ExitCode

MODES = ("fast", "full")


def chapters(config: Path, names: list[str]) -> list[str]:
    """The names among `names` that are Markdown files inside the book's docs_dir."""
    from pipeline.configuration import config as configs

    docs = configs.load(config).docs_dir.resolve()
    return [name for name in names if name.endswith((".md", ".markdown")) and Path(name).resolve().is_relative_to(docs)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.review.hooks", description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=MODES)
    parser.add_argument("files", nargs="*", help="the staged files, as pre-commit passes them")
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"), metavar="FILE")
    args = parser.parse_args(argv)
    if args.mode == "full":
        return cli.main(["check", "--quiet", "--config", str(args.config)])
    try:
        staged = chapters(args.config, args.files)
    except Exception:  # a broken configuration is reported by the check itself, in its own words
        return cli.main(["check", "--quiet", "--no-grammar", "--config", str(args.config)])
    if not staged:
        return ExitCode.OK
    return cli.main(["check", "--quiet", "--no-grammar", "--config", str(args.config), *staged])


if __name__ == "__main__":
    sys.exit(main())
