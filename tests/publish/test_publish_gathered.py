"""Editions built apart and gathered: `presswork publish TAG --build-only --format F`, each in its own
process with its own build store (a job of the publishing workflow's matrix, on its own runner); the
stores merged into one folder (what the publish job downloads); then `presswork publish TAG` with that
store typesets nothing the matrix built. It runs with a pandoc that refuses to write any edition and a
Java that refuses to run EPUBCheck, and publishes the matrix's very bytes. A
damaged entry is rebuilt and never published; an entry built for another tag, commit, catalog or
trust is never taken; `--no-cache` and `verify` take nothing from the store.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import presswork
from publishing import DAY, ENV, REFUSED, SLUG, START, copy_project, new_project, no_typesetting, sha256

MATRIX = ("pdf", "epub", "docx")


def build_only(project, cache: Path, *args: str, env: dict[str, str] | None = None):
    """One matrix job: the tag's editions built as publishing builds them, into the store under `cache`."""
    return presswork("publish", *args, "--build-only", cwd=project.root, env={**ENV, "PRESSWORK_CACHE": str(cache), **(env or {})})


def publish(project, cache: Path, *args: str, env: dict[str, str] | None = None):
    environment = {**ENV, "PRESSWORK_CACHE": str(cache), **(env or {})}
    return presswork("publish", *args, "--no-grammar", cwd=project.root, env=environment)


def entries(cache: Path) -> dict[str, list[str]]:
    """The store's edition entries, each with the files of its content."""
    editions = cache / "store" / "editions"
    return {
        entry.name: sorted(p.relative_to(entry / "content").as_posix() for p in (entry / "content").rglob("*") if p.is_file())
        for entry in sorted(editions.iterdir()) if entry.is_dir()
    } if editions.is_dir() else {}  # fmt: skip


def gather(target: Path, caches: list[Path]) -> Path:
    """What the publish job's download of every matrix store does: the `editions/` folders merged.
    No two of them hold the same path: each entry is a folder of its own, and there is no index."""
    editions = target / "store" / "editions"
    editions.mkdir(parents=True)
    for cache in caches:
        for entry in (cache / "store" / "editions").iterdir():
            assert entry.is_dir() and not entry.name.startswith("."), entry
            assert not (editions / entry.name).exists(), f"two matrix jobs stored {entry.name}"
            shutil.copytree(entry, editions / entry.name)
    return target


def from_the_store(stderr: str) -> dict[str, bool]:
    """For each edition's progress line, whether it was taken from the store."""
    return {
        m.group(1): "from the cache" in m.group(0) for m in re.finditer(r"^✓ (pdf|epub|docx|site) +[\d.]+ s\b.*$", stderr, re.MULTILINE)
    }


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    """v1.0.0 of a book with all four editions, each of PDF, EPUB and DOCX built by its own process
    into its own store, and the stores gathered into one."""
    folder = tmp_path_factory.mktemp("gathered")
    project = new_project(folder)
    config = (project.root / "mkdocs.yml").read_text().replace("formats: [site, pdf, docx]", "formats: [site, pdf, epub, docx]")
    config += "      untrusted_when: {GITHUB_EVENT_NAME: [pull_request]}\n"
    project.commit("Every edition", {"mkdocs.yml": config}, when=START + DAY)
    project.git("push", "-q", "origin", "main")
    project.tag("v1.0.0", when=START + DAY)
    pristine = copy_project(project, folder / "pristine")  # as it is before anything is published
    runs = {name: build_only(project, folder / f"runner-{name}", "v1.0.0", "--format", name) for name in MATRIX}
    built = {}
    for name, run in runs.items():
        assert run.returncode == 0, run.stderr
        [(entry, files)] = entries(folder / f"runner-{name}").items()  # one edition, one entry
        assert files == [f"{SLUG}-1.0.0.{name}"]
        built[name] = (folder / f"runner-{name}" / "store" / "editions" / entry / "content" / files[0]).read_bytes()
    store = gather(folder / "gathered", [folder / f"runner-{name}" for name in MATRIX])
    return SimpleNamespace(project=project, pristine=pristine, folder=folder, runs=runs, built=built, store=store)


@pytest.fixture(scope="module")
def published(matrix):
    """v1.0.0 published with the gathered store, where nothing can be typeset."""
    store = shutil.copytree(matrix.store, matrix.folder / "publishing")  # the gathered one stays as gathered
    run = publish(matrix.project, store, "v1.0.0", env=no_typesetting(matrix.folder / "bin"))
    return SimpleNamespace(run=run, before=entries(matrix.store), after=entries(store))


def test_each_matrix_job_says_what_it_built_and_its_sha256(matrix):
    for name, run in matrix.runs.items():
        assert run.stdout.splitlines() == [
            f"built v1.0.0 as publishing it builds it, into the build store {matrix.folder / f'runner-{name}' / 'store'}:",
            f"  {name:<5} {SLUG}-1.0.0.{name}  {sha256(matrix.built[name])}",
        ]
        assert re.search(r"^✓ gate .*v1\.0\.0 -> 1\.0\.0$", run.stderr, re.MULTILINE), run.stderr
        assert "✓ spelling" not in run.stderr  # the checks are the publish's to run


def test_the_publish_typesets_nothing_the_matrix_built(matrix, published):
    run = published.run
    assert run.returncode == 0, run.stderr
    assert from_the_store(run.stderr) == {"pdf": True, "epub": True, "docx": True, "site": False}
    assert "✓ spelling" in run.stderr  # the checks ran on the tag's tree all the same
    assert not re.search(r"--to (typst|epub|docx)", (matrix.folder / "bin" / "pandoc.log").read_text())
    new = {name: files for name, files in published.after.items() if name not in published.before}
    assert [files[0].split("/")[0] for files in new.values()] == ["site"]  # the one edition built here


def test_the_published_editions_are_the_matrix_s_bytes(matrix, published):
    assert published.run.returncode == 0, published.run.stderr
    project = matrix.project
    sums = project.read("gh-pages", "1.0.0/downloads/SHA256SUMS").decode()
    for name, data in matrix.built.items():
        file = f"{SLUG}-1.0.0.{name}"
        assert project.read("gh-pages", f"1.0.0/downloads/{file}") == data
        assert f"{sha256(data)}  {file}\n" in sums


def test_a_tag_published_already_has_nothing_to_build(matrix, published, tmp_path):
    assert published.run.returncode == 0, published.run.stderr
    run = build_only(matrix.project, tmp_path / "cache", "v1.0.0", "--format", "pdf")
    assert (run.returncode, run.stdout) == (0, "v1.0.0 is already published as 1.0.0, from the same commit: nothing to build\n")
    assert entries(tmp_path / "cache") == {}


def test_verify_rebuilds_and_takes_nothing_from_the_store(matrix, published):
    assert published.run.returncode == 0, published.run.stderr
    run = presswork("verify", "v1.0.0", "--quiet", cwd=matrix.project.root,
                    env={**ENV, "PRESSWORK_CACHE": str(matrix.store), **no_typesetting(matrix.folder / "bin")})  # fmt: skip
    assert run.returncode == 3 and REFUSED in run.stderr, run.stderr


def test_a_damaged_entry_is_rebuilt_and_never_published(matrix, tmp_path):
    project = copy_project(matrix.pristine, tmp_path / "project")
    store = shutil.copytree(matrix.store, tmp_path / "store")
    pdf = next((store / "store" / "editions").glob(f"*/content/{SLUG}-1.0.0.pdf"))
    damaged = matrix.built["pdf"][:-1] + bytes([matrix.built["pdf"][-1] ^ 1])
    pdf.unlink()
    pdf.write_bytes(damaged)  # the same length, another SHA-256
    run = publish(project, store, "v1.0.0")
    assert run.returncode == 0, run.stderr
    assert from_the_store(run.stderr) == {"pdf": False, "epub": True, "docx": True, "site": False}
    assert re.search(r"^✓ pdf valid", run.stderr, re.MULTILINE)
    published = project.read("gh-pages", f"1.0.0/downloads/{SLUG}-1.0.0.pdf")
    assert published == matrix.built["pdf"] != damaged  # built again, to the same bytes
    assert pdf.read_bytes() == matrix.built["pdf"]  # and stored again, whole


def test_no_cache_typesets_everything(matrix, tmp_path):
    project = copy_project(matrix.pristine, tmp_path / "project")
    run = publish(project, matrix.store, "v1.0.0", "--no-cache", env=no_typesetting(tmp_path / "bin"))
    assert run.returncode == 3 and REFUSED in run.stderr, run.stderr


@pytest.mark.parametrize("case", ["another tag of the same commit", "a tag of another commit", "another catalog", "an untrusted build"])
def test_a_store_built_for_anything_else_is_not_used(matrix, tmp_path, case):
    """The gathered store holds v1.0.0's editions, built trusted while nothing was published: any other
    release finds nothing in it, and has to typeset (which the test's tools refuse)."""
    project = copy_project(matrix.pristine, tmp_path / "project")
    store = shutil.copytree(matrix.store, tmp_path / "store")
    tag, env = "v1.0.0", no_typesetting(tmp_path / "bin")
    if case == "another tag of the same commit":
        project.tag(tag := "v1.0.1", commit="v1.0.0^{commit}", when=START + 2 * DAY)
    elif case == "a tag of another commit":
        project.commit("More", {"book/second.md": "# Second chapter\n\nMore words.\n"}, when=START + 2 * DAY)
        project.git("push", "-q", "origin", "main")
        project.tag(tag := "v1.1.0", when=START + 2 * DAY)
    elif case == "another catalog":  # a version was published between the matrix and the publish
        project.tag("v0.9.0", commit="main~1", when=START)
        assert publish(project, tmp_path / "cache", "v0.9.0", "--quiet").returncode == 0
    else:
        store = tmp_path / "untrusted"
        for name in MATRIX:  # the same matrix, run as for a pull request
            run = build_only(project, tmp_path / f"runner-{name}", "v1.0.0", "--format", name, env={"GITHUB_EVENT_NAME": "pull_request"})
            assert run.returncode == 0, run.stderr
        gather(store, [tmp_path / f"runner-{name}" for name in MATRIX])
    before = project.refs()
    run = publish(project, store, tag, "--quiet", env=env)
    assert run.returncode == 3 and REFUSED in run.stderr, run.stderr
    assert project.refs() == before


def test_build_only_runs_the_gate_and_builds_only_what_a_release_has(tmp_path):
    project = new_project(tmp_path)  # its book publishes the site, a PDF and a DOCX: no EPUB
    project.tag("v1.0.0", when=START)
    project.tag("v1.0.1", annotated=False)
    run = build_only(project, tmp_path / "cache", "v1.0.0", "--format", "epub")
    assert (run.returncode, run.stdout) == (0, "v1.0.0 has no epub edition to build: its book does not publish one\n")
    assert entries(tmp_path / "cache") == {}
    run = build_only(project, tmp_path / "cache", "v1.0.1", "--format", "pdf")
    assert run.returncode == 1 and "'v1.0.1' is a lightweight tag" in run.stderr, run.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "pdf"], "error: --format goes with --build-only: a publish builds every edition (drop --format)"),
        (["--build-only", "--no-cache"], "error: --build-only keeps the editions in the build store, which --no-cache leaves out (drop --no-cache)"),
        (["--build-only", "--format", "site"], "error: the site lists every edition's files, so it is built with them "
         "(leave out --format to build every edition, or let publish build the site)"),
    ],
)  # fmt: skip
def test_options_that_do_not_go_together(tmp_path, args, message):
    run = presswork("publish", "v1.0.0", *args, cwd=tmp_path)
    assert (run.returncode, run.stderr.strip()) == (2, message)
