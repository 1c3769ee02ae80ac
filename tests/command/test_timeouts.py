"""A checker's time limit grows with what it reads, and a checker that runs over it is named with the
setting that changes it."""

from __future__ import annotations

import os

import pytest

from pipeline.environment import cache_folder
from pipeline.errors import ToolError
from pipeline.tools import process, verapdf

VERAPDF = verapdf.Validator.find(cache_folder(os.environ))


def test_a_checker_s_limit_is_the_book_s_timeout_for_each_share_of_the_book():
    assert process.grown(600, 10, 20, "pages", "site")[0] == 600  # a short book: the timeout itself
    limit, hint = process.grown(600, 73, 20, "pages", "site")
    assert limit == 2400  # 73 pages: four shares of 20
    assert (
        hint
        == "the book's timeout of 600 s for each 20 pages; raise timeout under presswork in mkdocs.yml, or set accessibility: {site: off}"
    )


@pytest.mark.skipif(VERAPDF.missing() is not None, reason=f"{VERAPDF.missing()} (make test installs it from Maven Central)")
def test_a_checker_that_runs_over_its_limit_is_stopped_and_named_with_the_setting(tmp_path):
    pdf = _small_pdf(tmp_path)
    with pytest.raises(ToolError) as caught:
        VERAPDF.check(pdf, timeout=0.2)  # far less than the Java machine takes to start
    assert str(caught.value) == (
        "error: veraPDF timed out after 0.2 s and was stopped (the book's timeout of 0.2 s for each 100 pages; "
        "raise timeout under presswork in mkdocs.yml, or set accessibility: {pdf: off})"
    )


def _small_pdf(folder):
    import typst

    path = folder / "small.pdf"
    typst.compile(b"Hello.", output=str(path))
    return path
