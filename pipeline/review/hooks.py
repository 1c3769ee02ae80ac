"""Kept for the books whose pre-commit configuration was written before `presswork hook`: `python -m
pipeline.review.hooks MODE FILE...` runs `presswork hook MODE FILE...`."""

from __future__ import annotations

import sys

from pipeline import cli

if __name__ == "__main__":
    sys.exit(cli.main(["hook", *sys.argv[1:]]))
