"""The GitHub workflows, of this repository and of a book `presswork new` makes: actionlint finds nothing
in them, and their security properties hold when their YAML is read: the triggers, least privilege per
job, no `pull_request_target`, no secret in a pull request's jobs, Presswork and mkdocs.yml taken from
the base branch, one publish at a time and never cancelled, and editions built as a matrix whose
artifacts the publish job gathers."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from pipeline.review.scaffold import WORKFLOWS_BOOK, WORKFLOWS_HERE, render_workflows

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
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n        uses: actions/checkout@v4\n")
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
            first_presswork = next(i for i, run in enumerate(runs) if re.search(r"^\s*presswork ", run, re.M))
            assert install < trust < first_presswork, name
            assert "mv ../trusted.yml mkdocs.yml" in runs[trust]
            for index, step in enumerate(job["steps"]):
                if re.search(r"^\s*presswork ", runs[index], re.M):
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
        assert len(readers) == 1 and re.search(r"\breviewdog .*-reporter=github-pr-review .*< \"\$RUNNER_TEMP/findings/findings.rdjson\"$", readers[0].strip())
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


def test_editions_build_as_a_matrix_that_the_publish_job_gathers():
    jobs = load(HERE / "publish.yml")["jobs"]
    edition, publish = jobs["edition"], jobs["publish"]
    assert set(edition["strategy"]["matrix"]["format"]) == {"pdf", "epub", "docx"}
    build = next(step for step in edition["steps"] if "presswork build" in step.get("run", ""))
    assert build["env"]["FORMAT"] == "${{ matrix.format }}" and '--format "$FORMAT"' in build["run"]
    upload = next(step for step in edition["steps"] if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["name"] == "edition-${{ matrix.format }}"
    assert publish["needs"] == "edition"
    gather = next(step for step in publish["steps"] if step.get("uses", "").startswith("actions/download-artifact@"))
    assert gather["with"]["pattern"] == "edition-*" and gather["with"]["merge-multiple"] is True
    runs = [step.get("run", "") for step in publish["steps"]]
    assert any('presswork publish "$GITHUB_REF_NAME"' in run for run in runs)
    attach = next(run for run in runs if "gh release create" in run)
    assert "SHA256SUMS" in attach and "sha256sum" in attach  # only the published bytes are attached


def test_the_matrix_step_builds_the_bytes_that_publish_lists(tmp_path):
    """The premise of the release step: the matrix's own build script, run for each edition of a tag,
    gives files whose SHA-256 is in the SHA256SUMS that `presswork publish` writes for that tag."""
    import os

    from conftest import CACHE, TESTS

    book = tmp_path / "book"
    shutil.copytree(TESTS / "books" / "publishing", book)
    config = book / "mkdocs.yml"
    config.write_text(config.read_text().replace("formats: [site, pdf, docx]", "formats: [site, pdf, epub, docx]"))
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "PRESSWORK_CACHE": str(CACHE),
           "GIT_AUTHOR_NAME": "Pat", "GIT_AUTHOR_EMAIL": "pat@example.org", "GIT_COMMITTER_NAME": "Pat",
           "GIT_COMMITTER_EMAIL": "pat@example.org", "GIT_COMMITTER_DATE": "1710000000 +0000",
           "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "RUNNER_TEMP": str(tmp_path / "runner")}  # fmt: skip
    env.pop("SOURCE_DATE_EPOCH", None)
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Book"], ["tag", "-a", "v1.0.0", "-m", "v1.0.0"]):
        subprocess.run(["git", *command], cwd=book, env=env, check=True, capture_output=True)
    edition = load(HERE / "publish.yml")["jobs"]["edition"]
    script = next(step["run"] for step in edition["steps"] if "presswork build" in step.get("run", ""))
    for name in edition["strategy"]["matrix"]["format"]:
        result = subprocess.run(["bash", "-e", "-c", script], cwd=book, env={**env, "FORMAT": name}, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
    published = tmp_path / "public"
    result = subprocess.run(
        ["presswork", "publish", "v1.0.0", "--target", "directory", "--directory", str(published), "--remote", "", "--no-grammar", "--quiet"],
        cwd=book, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    sums = dict(line.split()[::-1] for line in (published / "1.0.0" / "downloads" / "SHA256SUMS").read_text().splitlines())
    built = sorted((tmp_path / "runner" / "edition").glob("*.*"))
    assert [p.name for p in built] == ["publishing-fixture.docx", "publishing-fixture.epub", "publishing-fixture.pdf"]
    for path in built:
        name = f"publishing-fixture-1.0.0{path.suffix}"
        assert sums[name] == hashlib.sha256(path.read_bytes()).hexdigest(), name
