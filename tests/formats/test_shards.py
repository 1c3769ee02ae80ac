"""`presswork build --shard I/N`: the reference checkers' work spread over CI runners. Each shard, with a
cache of its own as on a runner, works out its share of the verdicts (axe-core's pages, DAISY Ace's
documents, EPUBCheck's and veraPDF's files), none twice between them, and writes no edition; their
stores copied into one, a build without --shard works nothing out again and reports exactly what one
whole build reports, with the same editions. The real checkers, on a book with a seeded violation."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import fresh_cache, presswork

KINDS = ("axe", "ace", "epubcheck", "verapdf")


def _book(folder: Path) -> Path:
    (folder / "docs").mkdir(parents=True)
    names = ["index", "herons", "gulls", "terns", "waders"]
    for name in names:
        text = f"# {name.title()}\n\nThe {name} stand on the shore while the tide goes out.\n\nA second paragraph tells where the {name} nest.\n"
        (folder / "docs" / f"{name}.md").write_text(text, encoding="utf-8")
    with (folder / "docs" / "herons.md").open("a", encoding="utf-8") as chapter:  # too pale for WCAG 2.1 AA: a site warning
        chapter.write('\n<p style="color: #bbbbbb">A faint paragraph about herons.</p>\n')
    (folder / "mkdocs.yml").write_text(
        "site_name: Shore birds\ntheme:\n  name: material\n  font: false\nnav:\n"
        + "".join(f"  - {name}.md\n" for name in names)
        + "plugins:\n  - presswork:\n      formats: [site, pdf, epub]\n      accessibility: {site: warning}\n",
        encoding="utf-8",
    )
    return folder


def _verdicts(cache: Path) -> dict[str, set[str]]:
    """The verdicts kept in a cache's store, by checker: each a file named for all that decides it."""
    return {kind: {path.name for path in (cache / "store" / kind).rglob("*.json")} for kind in KINDS}


def _said(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": warning: " in line or ": error: " in line]


def test_shards_work_out_each_verdict_once_and_merge_into_one_whole_build(tmp_path):
    book = _book(tmp_path / "book")
    whole_cache = fresh_cache(tmp_path / "whole")
    whole = presswork("build", "--no-check", "--out", str(tmp_path / "whole-out"), cwd=book, env={"PRESSWORK_CACHE": str(whole_cache)})
    assert whole.returncode == 0, whole.stderr
    assert any("axe-core" in line and "herons.html" in line for line in _said(whole.stderr)), whole.stderr
    expected = _verdicts(whole_cache)
    assert all(expected[kind] for kind in KINDS), expected  # every checker ran

    merged = fresh_cache(tmp_path / "merged")
    shares = []
    for index in (1, 2, 3):
        runner = fresh_cache(tmp_path / f"runner-{index}")
        out = tmp_path / f"runner-{index}-out"
        run = presswork("build", "--no-check", "--shard", f"{index}/3", "--out", str(out), cwd=book, env={"PRESSWORK_CACHE": str(runner)})
        assert run.returncode == 0, run.stderr
        assert f"shard {index} of 3: its share of the verdicts is in the cache, and no edition is written" in run.stderr
        assert not any(out.rglob("*.pdf")) and not any(out.rglob("*.epub")) and not (out / "site").exists()
        shares.append(_verdicts(runner))
        shutil.copytree(runner / "store", merged / "store", dirs_exist_ok=True)  # as a CI cache restores each runner's
    for kind in KINDS:  # between them, every verdict of one whole build, and none worked out twice
        assert set().union(*(share[kind] for share in shares)) == expected[kind], kind
        assert sum(len(share[kind]) for share in shares) == len(expected[kind]), kind
    assert sum(1 for share in shares if any(share.values())) >= 2  # the work is spread

    again = presswork("build", "--no-check", "--out", str(tmp_path / "merged-out"), cwd=book, env={"PRESSWORK_CACHE": str(merged)})
    assert again.returncode == 0, again.stderr
    assert _verdicts(merged) == expected  # nothing worked out again
    assert _said(again.stderr) == _said(whole.stderr)
    for name in ("shore-birds.pdf", "shore-birds.epub"):
        assert (tmp_path / "merged-out" / name).read_bytes() == (tmp_path / "whole-out" / name).read_bytes(), name
    assert (tmp_path / "merged-out" / "site" / "herons.html").is_file()


def test_a_shard_outside_its_count_is_a_usage_error(tmp_path):
    book = _book(tmp_path / "book")
    run = presswork("build", "--shard", "0/2", cwd=book)
    assert run.returncode == 2 and "'0/2' is no share" in run.stderr and "Traceback" not in run.stderr, run.stderr
