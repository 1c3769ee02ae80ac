"""The gate: which tag may be published. Each rule refuses in one line, with what to do, and exit code 1.

The rules, in the order they are tried: the name matches `publish.tag_pattern` and is a tag; the tag
is annotated (`publish.annotated`); its signature verifies against the allowed signers
(`publish.signed`); its commit is on the release branch (`publish.branch`); and its version was not
published before from another commit. Then, on the tag's own tree, the checks must pass.

The policy comes from the configuration Presswork runs with (the work tree's `mkdocs.yml`), never from
the tag being judged: a tag cannot loosen the rules it is judged by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.clock import utc
from pipeline.configuration.settings import TAG_PATTERN, PublishConfig
from pipeline.errors import ConfigError, ExitCode, PressworkError
from pipeline.publish.catalog import LATEST, Catalog
from pipeline.tools.git import Repository

_SAFE_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]*$")  # a version is also a folder name


class Refusal(PressworkError):
    """The gate refuses to publish a tag."""

    exit_code = ExitCode.CONTENT


@dataclass(frozen=True)
class Tag:
    """A tag the gate has read: its name, its version, and the commit it names."""

    name: str
    version: str
    commit: str
    object: str
    annotated: bool
    epoch: int  # the commit's time: SOURCE_DATE_EPOCH of the release

    @property
    def date(self) -> str:
        return utc(self.epoch).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class Decision:
    tag: Tag
    published: bool  # this very tag and commit are published already: nothing to do


def version_of(name: str, policy: PublishConfig) -> str | None:
    """The version a tag name stands for, or None when the name does not match the tag pattern."""
    match = re.fullmatch(policy.tag_pattern, name)
    if match is None:
        return None
    version = match.groupdict().get("version") or name.removeprefix("v")
    return version if _SAFE_VERSION.match(version) and version != LATEST else None


def read(repo: Repository, name: str, policy: PublishConfig) -> Tag:
    """The tag `name`; refuse a name that does not match the pattern or that is not a tag."""
    version = version_of(name, policy)
    if version is None:
        wanted = "v and a semantic version" if policy.tag_pattern == TAG_PATTERN else policy.tag_pattern
        raise Refusal(
            f"'{name}' is not a release tag: publish.tag_pattern asks for {wanted}",
            hint="publish a tag such as v1.2.0, or change publish.tag_pattern",
        )
    found = repo.tag(name)
    if found is None:
        raise Refusal(f"'{name}' is not a tag", hint=f"tag the commit to publish: git tag -a {name} -m 'Version {version}'")
    return Tag(name, version, found.commit, found.object, found.annotated, repo.commit_time(found.commit))


def admit(repo: Repository, name: str, policy: PublishConfig, root: Path, catalog: Catalog) -> Decision:
    """Every rule of the gate, in order, for the tag `name`; `catalog` is what is published already."""
    tag = read(repo, name, policy)
    _require_annotated(tag, policy)
    _require_signature(repo, tag, policy, root)
    _require_on_branch(repo, tag, policy)
    return Decision(tag, published=unmoved(tag, catalog))


def _require_annotated(tag: Tag, policy: PublishConfig) -> None:
    if tag.annotated or not (policy.annotated or policy.signed):
        return
    raise Refusal(
        f"'{tag.name}' is a lightweight tag; publishing needs an annotated tag",
        hint=f"replace it: git tag -d {tag.name} && git tag -a {tag.name} {tag.commit[:12]} -m 'Version {tag.version}'",
    )


def _require_signature(repo: Repository, tag: Tag, policy: PublishConfig, root: Path) -> None:
    if not policy.signed:
        return
    signers = (root / policy.allowed_signers).resolve()
    if not signers.is_file():
        raise ConfigError(
            f"the allowed-signers file {policy.allowed_signers} was not found",
            path=str(signers),
            hint="list each signer's key in it, as ssh-keygen's ALLOWED SIGNERS format says",
        )
    valid, message = repo.verify_tag(tag.name, signers)
    if valid:
        return
    reason = _signature_problem(message)
    raise Refusal(
        f"the signature of tag '{tag.name}' does not verify: {reason}",
        hint=f"sign the tag with a key listed in {policy.allowed_signers}: git tag -s",
    )


def _signature_problem(message: str) -> str:
    text = message.lower()
    if "no signature" in text or not text.strip():
        return "it is not signed"
    if "no principal matched" in text or "allowed" in text and "not" in text:
        return "its key is not among the allowed signers"
    first = next((line for line in message.splitlines() if line.strip()), "")
    return first.strip() or "git verify-tag failed"


def _require_on_branch(repo: Repository, tag: Tag, policy: PublishConfig) -> None:
    candidates = [f"refs/heads/{policy.branch}"]
    if policy.remote:
        candidates.append(f"refs/remotes/{policy.remote}/{policy.branch}")
    branches = [ref for ref in candidates if repo.resolve(ref) is not None]
    if not branches:
        hint = f"fetch it: git fetch {policy.remote} {policy.branch}" if policy.remote else "create it or set publish.branch"
        raise Refusal(f"there is no release branch '{policy.branch}' in this repository", hint=hint)
    if any(repo.is_ancestor(tag.commit, ref) for ref in branches):
        return
    raise Refusal(
        f"'{tag.name}' names commit {tag.commit[:12]}, which is not on the release branch '{policy.branch}'",
        hint=f"merge it into {policy.branch} and tag the merged commit, or set publish.branch",
    )


def unmoved(tag: Tag, catalog: Catalog) -> bool:
    """Whether `tag`'s version is published already (from this commit); refuse if from another one."""
    published = catalog.find(tag.version)
    if published is None:
        return False
    if published.commit == tag.commit:
        return True
    raise Refusal(
        f"version {tag.version} was published from commit {published.commit[:12]}, but '{tag.name}' now names "
        f"{tag.commit[:12]}: a published version never changes",
        hint="restore the tag, or tag the new commit as a new version",
    )
