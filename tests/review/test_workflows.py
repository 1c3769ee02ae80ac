"""The GitHub workflows, of this repository and of a book `presswork new` makes: actionlint finds nothing
in them, and their security properties hold when their YAML is read: the triggers, least privilege per
job, no `pull_request_target`, no secret in a pull request's jobs, Presswork and mkdocs.yml taken from
the base branch, one publish at a time and never cancelled, and editions built as a matrix into build
stores that the publish job gathers and publishes with, typesetting none of them again."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from pipeline.scaffold import WORKFLOWS_BOOK, WORKFLOWS_HERE, render_workflows

HERE = REPO / ".github" / "workflows"
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: run make test, which installs the review tools")
    return found


@pytest.fixture(scope="module")
def book_workflows(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("book-workflows")
    for name, text in render_workflows(WORKFLOWS_BOOK).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def every_workflow(book: Path) -> list[Path]:
    return sorted(HERE.glob("*.yml")) + sorted(book.glob("*.yml"))


def test_this_repository_has_the_rendered_workflows():
    assert sorted(p.name for p in HERE.glob("*.y*ml")) == ["publish.yml", "review-comments.yml", "review.yml"]
    for name, text in render_workflows(WORKFLOWS_HERE).items():
        assert (HERE / name).read_text(encoding="utf-8") == text, f"{name}: render it again from pipeline/review/templates"


def test_actionlint_finds_nothing(book_workflows):
    files = [str(path) for path in every_workflow(book_workflows)]
    result = subprocess.run([tool("actionlint"), "-no-color", *files], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_actionlint_does_find_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n        uses: actions/checkout@v4\n"
    )
    result = subprocess.run([tool("actionlint"), "-no-color", str(broken)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "broken.yml:" in result.stdout


def test_no_workflow_runs_on_pull_request_target_and_only_the_comments_on_workflow_run(book_workflows):
    for path in every_workflow(book_workflows):
        triggers = load(path)["on"]
        assert "pull_request_target" not in triggers, path
        if path.name == "review-comments.yml":
            assert triggers == {"workflow_run": {"workflows": ["review"], "types": ["completed"]}}, path
        else:
            assert "workflow_run" not in triggers, path


def test_triggers(book_workflows):
    for folder in (HERE, book_workflows):
        review, publish = load(folder / "review.yml")["on"], load(folder / "publish.yml")["on"]
        assert list(review) == ["pull_request"]
        assert set(review["pull_request"]["types"]) >= {"opened", "synchronize", "reopened"}
        assert list(publish) == ["push"] and list(publish["push"]) == ["tags"]
        pattern = _glob(publish["push"]["tags"][0])
        assert all(pattern.fullmatch(tag) for tag in ("v1.2.0", "v10.0.3", "v2.0.0-rc.1"))
        assert not any(pattern.fullmatch(tag) for tag in ("1.2.0", "v1.2", "latest", "vx.y.z"))


def _glob(text: str) -> re.Pattern[str]:
    """GitHub's filter pattern for a ref name, as a regular expression (`*`, `+` after a class, `[...]`)."""
    out, index = "", 0
    while index < len(text):
        char = text[index]
        if char == "[":
            end = text.index("]", index)
            out += text[index : end + 1]
            index = end
        elif char == "*":
            out += "[^/]*"
        elif char == "+":
            out += "+"
        else:
            out += re.escape(char)
        index += 1
    return re.compile(out)


def test_least_privilege_per_job(book_workflows):
    allowed = {
        ("review.yml", "check"): {"contents": "read", "pull-requests": "write", "security-events": "write"},
        ("review.yml", "preview"): {"contents": "read"},
        ("review-comments.yml", "comment"): {"actions": "read", "pull-requests": "write"},
        ("publish.yml", "edition"): {"contents": "read"},
        ("publish.yml", "publish"): {"contents": "write"},
    }
    for path in every_workflow(book_workflows):
        workflow = load(path)
        assert workflow["permissions"] == {}, f"{path}: the default token of a job must have no permission"
        for name, job in workflow["jobs"].items():
            assert job["permissions"] == allowed[(path.name, name)], (path, name)
            assert job.get("timeout-minutes"), (path, name)


def test_pull_request_jobs_use_no_secret_and_keep_no_credentials(book_workflows):
    for folder in (HERE, book_workflows):
        path = folder / "review.yml"
        text = path.read_text(encoding="utf-8")
        assert "secrets." not in text and "secrets[" not in text
        for name, job in load(path)["jobs"].items():
            checkouts = [step for step in job["steps"] if step.get("uses", "").startswith("actions/checkout@")]
            assert checkouts and all(step["with"]["persist-credentials"] is False for step in checkouts), name
            refs = {step["with"]["ref"]: step["with"]["path"] for step in checkouts}
            assert refs == {"${{ github.event.pull_request.base.sha }}": "base", "${{ github.event.pull_request.head.sha }}": "head"}


def test_pull_request_jobs_run_presswork_and_mkdocs_yml_from_the_base_branch():
    for variant, folder_install in ((WORKFLOWS_HERE, "./base"), (WORKFLOWS_BOOK, "base/requirements.txt")):
        review = yaml.safe_load(render_workflows(variant)["review.yml"])
        for name, job in review["jobs"].items():
            runs = [step.get("run", "") for step in job["steps"]]
            install = next(i for i, run in enumerate(runs) if "pip install" in run)
            assert folder_install in runs[install] and "head" not in runs[install], name
            trust = next(i for i, run in enumerate(runs) if "python -m pipeline.review.trust ../base/mkdocs.yml mkdocs.yml" in run)
            reads_book = re.compile(r"^\s*presswork (?!install\b)", re.M)  # `presswork install` reads no book
            first_presswork = next(i for i, run in enumerate(runs) if reads_book.search(run))
            assert install < trust < first_presswork, name
            assert "mv ../trusted.yml mkdocs.yml" in runs[trust]
            for index, step in enumerate(job["steps"]):
                if reads_book.search(runs[index]):
                    assert step.get("working-directory") == "head", (name, step)


def test_findings_reach_the_pull_request_as_review_comments_sarif_and_a_summary():
    check = yaml.safe_load((HERE / "review.yml").read_text())["jobs"]["check"]
    runs = "\n".join(step.get("run", "") for step in check["steps"])
    assert "--format rdjson" in runs and "--format sarif" in runs and "--changed-since" in runs
    reviewdog = next(step for step in check["steps"] if "-reporter=github-pr-review" in step.get("run", ""))
    assert "-f=rdjson" in reviewdog["run"] and "-filter-mode=added" in reviewdog["run"]
    assert reviewdog["env"]["REVIEWDOG_GITHUB_API_TOKEN"] == "${{ github.token }}"
    upload = next(step for step in check["steps"] if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == "findings.sarif"
    assert "GITHUB_STEP_SUMMARY" in runs and "presswork diff" in runs and "--format markdown" in runs


def test_a_forks_findings_become_review_comments_and_none_of_its_files_run(book_workflows):
    """A fork's token cannot comment: the check job keeps its findings as an artifact, and a run of
    review-comments.yml in the base repository posts them. That run checks out only the default branch,
    runs nothing but reviewdog on the artifact (read from stdin), and finds the pull request from the
    commit GitHub names for the run, never from the artifact."""
    for folder in (HERE, book_workflows):
        check = load(folder / "review.yml")["jobs"]["check"]
        keep = next(step for step in check["steps"] if step.get("uses", "").startswith("actions/upload-artifact@"))
        assert keep["with"]["name"] == "findings" and keep["with"]["path"] == "findings.rdjson"
        assert keep["if"] == "github.event.pull_request.head.repo.full_name != github.repository"
        workflow = load(folder / "review-comments.yml")
        text = (folder / "review-comments.yml").read_text(encoding="utf-8")
        assert "secrets." not in text and "head_branch" not in text and "pull_requests" not in text
        (job,) = workflow["jobs"].values()
        assert "github.event.workflow_run.event == 'pull_request'" in job["if"]
        assert "github.event.workflow_run.head_repository.full_name != github.repository" in job["if"]
        checkouts = [step for step in job["steps"] if step.get("uses", "").startswith("actions/checkout@")]
        assert len(checkouts) == 1 and checkouts[0]["with"] == {"persist-credentials": False}  # the default branch
        download = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/download-artifact@"))
        assert download["with"]["run-id"] == "${{ github.event.workflow_run.id }}" and download["with"]["name"] == "findings"
        runs = [step.get("run", "") for step in job["steps"]]
        assert not any(re.search(r"^\s*(pip3?|python3?|presswork|make|bash|sh|source|\.)\s", run, re.M) for run in runs)
        readers = [run for run in runs if "findings" in run]
        assert len(readers) == 1 and re.search(
            r"\breviewdog .*-reporter=github-pr-review .*< \"\$RUNNER_TEMP/findings/findings.rdjson\"$", readers[0].strip()
        )
        find = next(step for step in job["steps"] if "gh pr list" in step.get("run", ""))
        assert find["env"]["HEAD_SHA"] == "${{ github.event.workflow_run.head_sha }}"
        assert 'select(.headRefOid == \\"$HEAD_SHA\\")' in find["run"] and "PULL_REQUEST=" in find["run"]
        comment = next(step for step in job["steps"] if "reviewdog -f=rdjson" in step.get("run", ""))
        assert comment["env"]["CI_PULL_REQUEST"] == "${{ env.PULL_REQUEST }}"
        assert comment["env"]["CI_COMMIT"] == "${{ github.event.workflow_run.head_sha }}"
        assert "-filter-mode=added" in comment["run"] and "unset GITHUB_ACTIONS" in comment["run"]


def test_every_edition_is_previewed_as_an_artifact():
    preview = yaml.safe_load((HERE / "review.yml").read_text())["jobs"]["preview"]
    build = next(step["run"] for step in preview["steps"] if "presswork build" in step.get("run", ""))
    assert all(f"--format {name}" in build for name in ("site", "pdf", "epub", "docx")) and "--out ../preview" in build
    assert "--redline ../preview/redline.docx" in build
    upload = next(step for step in preview["steps"] if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "preview/" and upload["with"]["if-no-files-found"] == "error"


def test_publishing_never_overlaps_and_is_never_cancelled():
    publish = load(HERE / "publish.yml")
    assert publish["concurrency"] == {"group": "publish-${{ github.repository }}", "cancel-in-progress": False}


def test_editions_build_as_a_matrix_whose_stores_the_publish_job_gathers():
    jobs = load(HERE / "publish.yml")["jobs"]
    edition, publish = jobs["edition"], jobs["publish"]
    assert set(edition["strategy"]["matrix"]["format"]) == {"pdf", "epub", "docx"}
    build = next(step for step in edition["steps"] if "presswork publish" in step.get("run", ""))
    assert build["env"]["FORMAT"] == "${{ matrix.format }}"
    assert 'presswork publish "$GITHUB_REF_NAME" --build-only --format "$FORMAT"' in build["run"]
    assert build["env"]["PRESSWORK_CACHE"] == "${{ runner.temp }}/presswork"
    checkout = next(step for step in edition["steps"] if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"] == {"fetch-depth": 0, "persist-credentials": False}  # the site branch: the same catalog
    upload = next(step for step in edition["steps"] if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["name"] == "store-${{ matrix.format }}"
    assert upload["with"]["path"] == "${{ runner.temp }}/presswork/store/editions/"
    assert publish["needs"] == "edition"
    gather = next(step for step in publish["steps"] if step.get("uses", "").startswith("actions/download-artifact@"))
    assert gather["with"] == {"pattern": "store-*", "path": "${{ runner.temp }}/presswork/store/editions", "merge-multiple": True}
    assert "run-id" not in gather["with"] and "github-token" not in gather["with"]  # this run's own artifacts only
    runs = [step.get("run", "") for step in publish["steps"]]
    step = next(step for step in publish["steps"] if 'presswork publish "$GITHUB_REF_NAME"' in step.get("run", ""))
    assert step["env"]["PRESSWORK_CACHE"] == "${{ runner.temp }}/presswork" and "--no-cache" not in step["run"]
    take = next(run for run in runs if "sha256sum --check" in run)
    assert "gh-pages:$version/downloads/" in take  # the Release gets the published bytes
    assert any("gh release create" in run for run in runs)
    for path in every_workflow(HERE):  # a store is never restored from a cache another run wrote
        uses = [step.get("uses", "") for job in load(path)["jobs"].values() for step in job["steps"]]
        assert path.name != "publish.yml" or not any(use.startswith("actions/cache@") for use in uses)


def test_the_workflow_s_steps_publish_the_matrix_s_editions_without_typesetting_them(tmp_path):
    """The publishing workflow's own scripts, run in order on a tag: each matrix job in a process and a
    runner folder of its own; the stores it uploads merged as the download merges them; the publish
    step with tools that cannot typeset; and the step that takes the published editions for the
    Release, which gets the very bytes the matrix built."""
    from conftest import fresh_cache
    from publishing import ENV, SLUG, START, new_project, no_typesetting

    project = new_project(tmp_path)
    config = project.root / "mkdocs.yml"
    project.commit(
        "Every edition",
        {"mkdocs.yml": config.read_text().replace("formats: [site, pdf, docx]", "formats: [site, pdf, epub, docx]")},
        when=START,
    )
    project.git("push", "-q", "origin", "main")
    project.tag("v1.0.0", when=START)
    env = {**os.environ, **ENV, "GITHUB_REF_NAME": "v1.0.0", "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    for name in ("SOURCE_DATE_EPOCH", "PRESSWORK_CACHE"):  # each step sets what it needs
        env.pop(name, None)
    jobs = load(HERE / "publish.yml")["jobs"]

    def run(step: dict, runner: Path, **more: str) -> subprocess.CompletedProcess:
        expressions = {"${{ runner.temp }}": str(runner), "${{ matrix.format }}": more.get("FORMAT", "")}
        values = {name: _expand(value, expressions) for name, value in step.get("env", {}).items()}
        done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=project.root, env={**env, **values, **more, "RUNNER_TEMP": str(runner)},
                              capture_output=True, text=True, timeout=900)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done

    edition, publish = jobs["edition"], jobs["publish"]
    build = next(step for step in edition["steps"] if "presswork publish" in step.get("run", ""))
    upload = next(step for step in edition["steps"] if step.get("uses", "").startswith("actions/upload-artifact@"))
    built = {}
    runner = tmp_path / "publish-runner"
    fresh_cache(runner / "presswork")  # the install step's LanguageTool
    download = next(step for step in publish["steps"] if step.get("uses", "").startswith("actions/download-artifact@"))
    gathered = Path(_expand(download["with"]["path"], {"${{ runner.temp }}": str(runner)}))
    for name in edition["strategy"]["matrix"]["format"]:
        matrix_runner = tmp_path / f"runner-{name}"
        fresh_cache(matrix_runner / "presswork")  # its install step's tools: the same as the publish job's
        said = run(build, matrix_runner, FORMAT=name).stdout
        built[f"{SLUG}-1.0.0.{name}"] = said.split()[-1]  # the SHA-256 it printed
        uploaded = Path(_expand(upload["with"]["path"], {"${{ runner.temp }}": str(matrix_runner)}))
        assert [entry.name for entry in uploaded.iterdir() if (gathered / entry.name).exists()] == []  # nothing overlaps
        shutil.copytree(uploaded, gathered, dirs_exist_ok=True)
    assert len(list(gathered.iterdir())) == 3  # one entry a job
    publishing = next(step for step in publish["steps"] if 'presswork publish "$GITHUB_REF_NAME"' in step.get("run", ""))
    tools = no_typesetting(tmp_path / "bin", env["PATH"])
    published = run(publishing, runner, **tools)
    assert "published v1.0.0 as 1.0.0" in published.stdout
    assert re.search(r"^✓ grammar", published.stderr, re.MULTILINE), published.stderr  # the checks, LanguageTool too
    assert [
        line.endswith("unchanged, from the cache") for line in published.stderr.splitlines() if re.match(r"✓ (pdf|epub|docx) +\d", line)
    ] == [True] * 3
    take = next(step for step in publish["steps"] if "sha256sum --check" in step.get("run", ""))
    run(take, runner, GITHUB_ENV=str(tmp_path / "github-env"))
    release = runner / "release"
    assert sorted(p.name for p in release.iterdir()) == sorted([*built, "SHA256SUMS"])
    for file, digest in built.items():
        assert hashlib.sha256((release / file).read_bytes()).hexdigest() == digest, file
    assert (tmp_path / "github-env").read_text() == "VERSION=1.0.0\n"


def _expand(text: str, expressions: dict[str, str]) -> str:
    for expression, value in expressions.items():
        text = text.replace(expression, value)
    assert "${{" not in text, text
    return text
