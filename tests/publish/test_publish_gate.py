"""The gate: every refusal of `presswork publish`, each one line and exit code 1, with real git and real tags."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import presswork
from publishing import BOOK, DAY, ENV, START, new_project, ssh_key

from pipeline.publish.catalog import version_key


@pytest.fixture
def project(tmp_path):
    return new_project(tmp_path)


def one_line(run) -> str:
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    return lines[0]


def configure(project, *settings: str) -> None:
    """Set the `publish` block of the work tree's mkdocs.yml: the policy is the publisher's, not the tag's."""
    lines = [line for setting in settings for line in setting.strip().splitlines()]
    block = "      publish:\n" + "".join(f"        {line}\n" for line in lines)
    (project.root / "mkdocs.yml").write_text((BOOK / "mkdocs.yml").read_text() + block)


@pytest.mark.parametrize("name", ["1.0.0", "v1.0", "release-1.0.0", "v1.0.0-", "v01.0.0", "latest"])
def test_a_name_that_is_not_a_release_tag_is_refused(project, name):
    project.tag(name)
    before = project.refs()
    run = project.presswork("publish", name, "--quiet")
    assert run.returncode == 1
    assert one_line(run) == (
        f"error: '{name}' is not a release tag: publish.tag_pattern asks for v and a semantic version "
        "(publish a tag such as v1.2.0, or change publish.tag_pattern)"
    )
    assert project.refs() == before


def test_a_tag_name_with_shell_metacharacters_is_only_ever_a_string(project, tmp_path):
    name = "v1.0.0;touch${IFS}pwned;$(touch${IFS}pwned)`touch${IFS}pwned`"
    project.tag(name)
    run = project.presswork("publish", name, "--quiet")
    assert run.returncode == 1 and "is not a release tag" in run.stderr
    # A pattern that accepts it: the name then goes through every git call and into the commit message.
    configure(project, r"tag_pattern: 'v(?P<version>[0-9]+\.[0-9]+\.[0-9]+);.*'")
    run = project.presswork("publish", name, "--quiet")
    assert run.returncode == 0, run.stderr
    assert name in project.git("log", "-1", "--format=%s", "gh-pages")
    assert list(tmp_path.rglob("pwned")) == [] and not Path("pwned").exists()


def test_a_name_that_is_no_tag_is_refused(project):
    project.git("branch", "v2.0.0")  # a branch of that name is not a tag
    run = project.presswork("publish", "v2.0.0", "--quiet")
    assert run.returncode == 1
    assert one_line(run) == "error: 'v2.0.0' is not a tag (tag the commit to publish: git tag -a v2.0.0 -m 'Version 2.0.0')"


def test_a_lightweight_tag_is_refused_when_annotated_tags_are_required(project):
    project.tag("v1.0.0", annotated=False)
    before = project.refs()
    run = project.presswork("publish", "v1.0.0", "--quiet")
    assert run.returncode == 1
    assert one_line(run).startswith(
        "error: 'v1.0.0' is a lightweight tag; publishing needs an annotated tag (replace it: git tag -d v1.0.0"
    )
    assert project.refs() == before


def test_a_lightweight_tag_may_publish_when_the_policy_allows_it(project):
    project.tag("v1.0.0", annotated=False)
    configure(project, "annotated: false")
    run = project.presswork("status")
    assert run.returncode == 0, run.stderr
    assert "tagged v1.0.0: it would publish as 1.0.0" in run.stdout


SIGNED = "signed: true\nallowed_signers: allowed_signers"


@pytest.fixture
def signers(project, tmp_path):
    """Alice's key is allowed; Mallory's is not. The policy requires signed tags."""
    alice, allowed = ssh_key(tmp_path, "alice")
    mallory, _ = ssh_key(tmp_path, "mallory")
    (project.root / "allowed_signers").write_text(allowed)
    configure(project, SIGNED)
    return {"alice": alice, "mallory": mallory}


def test_a_tag_signed_by_an_allowed_key_is_published(project, signers):
    project.tag("v1.0.0", key=signers["alice"])
    run = project.presswork("publish", "v1.0.0", "--quiet")
    assert run.returncode == 0, run.stderr
    assert "published v1.0.0 as 1.0.0" in run.stdout


def test_a_tag_signed_by_another_key_is_refused(project, signers):
    project.tag("v1.0.0", key=signers["mallory"])
    before = project.refs()
    run = project.presswork("publish", "v1.0.0", "--quiet")
    assert run.returncode == 1
    assert one_line(run) == (
        "error: the signature of tag 'v1.0.0' does not verify: its key is not among the allowed signers "
        "(sign the tag with a key listed in allowed_signers: git tag -s)"
    )
    assert project.refs() == before


def test_an_unsigned_tag_is_refused_when_signatures_are_required(project, signers):
    project.tag("v1.0.0")
    run = project.presswork("publish", "v1.0.0", "--quiet")
    assert run.returncode == 1
    assert "error: the signature of tag 'v1.0.0' does not verify: it is not signed" in one_line(run)


def test_a_lightweight_tag_is_refused_when_signatures_are_required(project, signers):
    project.tag("v1.0.0", annotated=False)
    configure(project, SIGNED, "annotated: false")  # signed implies annotated: a lightweight tag has no signature
    run = project.presswork("publish", "v1.0.0", "--quiet")
    assert run.returncode == 1
    assert "is a lightweight tag" in one_line(run)


def test_a_missing_allowed_signers_file_is_a_configuration_error(project, signers):
    (project.root / "allowed_signers").unlink()
    project.tag("v1.0.0", key=signers["alice"])
    run = project.presswork("publish", "v1.0.0", "--quiet")
    assert run.returncode == 2
    assert "the allowed-signers file allowed_signers was not found" in one_line(run)


def test_a_commit_that_is_not_on_the_release_branch_is_refused(project):
    project.git("switch", "-q", "-c", "experiment")
    project.commit("An experiment", {"book/index.md": "# Welcome\n\nAn experiment.\n"}, when=START + DAY)
    project.tag("v1.0.0")
    project.git("switch", "-q", "main")
    before = project.refs()
    run = project.presswork("publish", "v1.0.0", "--quiet")
    assert run.returncode == 1
    line = one_line(run)
    assert "which is not on the release branch 'main'" in line and "(merge it into main" in line
    assert project.refs() == before


def test_the_release_branch_may_be_known_only_from_the_remote(project):
    """In CI a tag is checked out without a local main: origin/main counts."""
    project.tag("v1.0.0")
    project.git("switch", "-q", "--detach", "v1.0.0")
    project.git("branch", "-D", "main")
    run = project.presswork("status")
    assert "tagged v1.0.0: it would publish as 1.0.0" in run.stdout, run.stdout + run.stderr


def test_a_moved_tag_is_refused(project):
    project.tag("v1.0.0")
    assert project.presswork("publish", "v1.0.0", "--quiet").returncode == 0
    project.commit("A fix", {"book/index.md": "# Welcome\n\nFixed.\n"}, when=START + DAY)
    project.git("push", "-q", "origin", "main")
    project.git("tag", "-f", "-a", "v1.0.0", "-m", "Version 1.0.0, moved")
    before = project.refs()
    run = project.presswork("publish", "v1.0.0", "--quiet")
    assert run.returncode == 1
    line = one_line(run)
    assert "version 1.0.0 was published from commit" in line and "a published version never changes" in line
    assert project.refs() == before


def test_a_book_outside_git_cannot_publish(tmp_path):
    from conftest import TESTS, copy_book

    book = copy_book(TESTS / "books" / "publishing", tmp_path / "book")
    run = presswork("publish", "v1.0.0", "--quiet", cwd=book, env={**ENV, "GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert run.returncode == 2
    assert "is not in a git repository" in one_line(run)


def test_a_missing_remote_is_a_configuration_error(project):
    project.tag("v1.0.0")
    run = project.presswork("publish", "v1.0.0", "--remote", "upstream", "--quiet")
    assert run.returncode == 2
    assert "there is no git remote 'upstream' to publish to" in one_line(run)


def test_the_publish_block_is_validated_with_the_rest_of_the_configuration(project):
    configure(project, "signed: true\ntarget: directory\ntag_pattern: 'v(('\nremot: upstream")
    run = project.presswork("status")
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert any("plugins.presswork.publish.allowed_signers: required when signed is true" in line for line in lines)
    assert any("plugins.presswork.publish.directory: required when target is directory" in line for line in lines)
    assert any("plugins.presswork.publish.tag_pattern: 'v((' is not a regular expression" in line for line in lines)
    assert any("plugins.presswork.publish.remot: unknown key (did you mean 'remote'?)" in line for line in lines)


def test_versions_are_ordered_as_semantic_versions():
    versions = ["1.10.0", "1.9.0", "2.0.0-rc.1", "2.0.0", "1.9.0-alpha", "2.0.0-rc.10", "2.0.0-rc.2"]
    ordered = sorted(versions, key=version_key)
    assert ordered == ["1.9.0-alpha", "1.9.0", "1.10.0", "2.0.0-rc.1", "2.0.0-rc.2", "2.0.0-rc.10", "2.0.0"]


@pytest.mark.parametrize("verb", ["publish", "status", "verify"])
def test_every_publishing_verb_has_help(verb, tmp_path):
    run = presswork(verb, "--help", cwd=tmp_path)
    assert run.returncode == 0
    assert f"usage: presswork {verb}" in run.stdout
    assert "--target {site-branch,directory}" in run.stdout and "--config FILE" in run.stdout


def test_the_tagged_book_must_pass_every_check_with_languagetool(project):
    """The checks run on the tag's own tree before anything is built: in a book built in strict mode
    whose checks fail at an error, a grammar mistake only LanguageTool sees, committed and tagged,
    publishes nothing; the next tag, fixed, publishes."""
    chapter = next((project.root / "book").glob("*.md"))
    clean = chapter.read_text()
    strict = "strict: true\n" + (project.root / "mkdocs.yml").read_text().replace(
        "      formats: [site, pdf, docx]\n", "      formats: [site, pdf, docx]\n      check: {fail_on: error}\n"
    )
    assert "fail_on" in strict
    project.commit(
        "A mistake", {str(chapter.relative_to(project.root)): clean + "\nThis is an unique idea.\n", "mkdocs.yml": strict}, when=START + DAY
    )
    project.git("push", "-q", "origin", "main")
    project.tag("v1.0.0", when=START + DAY)
    before = project.refs()
    run = project.presswork("publish", "v1.0.0", "--quiet", "--with-grammar")
    assert run.returncode == 1, run.stderr
    assert "EN_A_VS_AN" in run.stderr
    assert (
        run.stderr.strip()
        .splitlines()[-1]
        .startswith("error: the checks found 1 problem and the book builds in strict mode; nothing was built")
    )
    assert project.refs() == before
    project.commit("Fixed", {str(chapter.relative_to(project.root)): clean + "\nThis is a unique idea.\n"}, when=START + 2 * DAY)
    project.git("push", "-q", "origin", "main")
    project.tag("v1.0.1", when=START + 2 * DAY)
    run = project.presswork("publish", "v1.0.1", "--quiet", "--with-grammar")
    assert run.returncode == 0, run.stderr
    manifest = json.loads(project.read("gh-pages", "1.0.1/downloads/manifest.json"))
    assert re.fullmatch(r"6\.\d+", manifest["checks"]["languagetool"]) and manifest["checks"]["codespell"]
