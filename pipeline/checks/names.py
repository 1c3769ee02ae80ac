"""The names a book uses: those its code writes, in its code blocks, inline code and API
directives (`::: httpx.Client`), and those its links' addresses spell, in every chapter. They are the
book's own words (`Arc`, `Mutex`, `httpx`, `site_url`, `[Hishel](https://hishel.com)`): written in
the prose, they are no misspelling, for codespell nor for LanguageTool's spelling rules.

A misspelling typed in a code comment, a code block's output or a string of words is still one:
only what the code itself names counts.

- In a code block, every name outside its comments and its strings of several words (`"a message"`;
  a one-word string, `"charset"`, is a name). A `text`, `markdown` or output block is prose, not code;
  in a session (`$ `, `>>> ` prompts) the lines after a prompt are code, the others output.
  HTML and template blocks are code inside their tags (`<div class=...>`, `{{ page.title }}`), not in
  the text between them; a configuration file (`yaml`, `toml`) is code in its keys and one-word values.
- In inline code, every name when the code is one piece (`Arc`, `base_url`, `Client.get()`); in
  inline code of several words (`pip install httpx`), and in prose and output blocks, only the names
  that are written as code: `snake_case`, `camelCase`, with a digit, or joined to another name or to
  a call (`httpx.get`, `std::sync`, `send(`, `Vec<`, `--force`).

A name is taken whole (`recieve_data` makes `recieve_data` known, not `recieve`), as each part of a
dotted or `::` path, with its hyphenated parts (`gh-deploy`, `gh`, `deploy`) and the initialisms in
it (`ASGI` of `ASGITransport`).

A link names what it points to when a word of its text is a whole part of its address (its
definition's, for a `[reference][label]`): `Hishel` of `[Hishel](https://hishel.com)`, `pytest-httpx`
of `[pytest-httpx](https://github.com/x/pytest_httpx)` (`-` and `_` do not count); not `recieve` of
`[recieve](other.md)`; a chapter's file name is one to LanguageTool's spelling rule alone
(`treap` of `[treap](treap.md)`). To LanguageTool's spelling rule alone, every whole part of an address out of
the book is a name too: `httpdbg` of a heading `### httpdbg` over
`[GitHub](https://github.com/cle-b/httpdbg)` (codespell reports only misspellings it knows, and one
in an address, `example.com/wiht`, is still one in the prose).

A word in the prose is known when it, or the name it is part of in the prose (`url` of `site_url`),
is one of them in any case (`MkDocs` for `mkdocs`), or its plural or possessive (`Mutexes`, `Arc's`),
or when each of its hyphenated parts is (`httpx-socks`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.checks.prose import Block, Prose, label_key
from pipeline.tools import codespell

_NAME = re.compile(r"(?<!\w)[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*")
_WORD = re.compile(r"(?<![\w-])[^\W\d_]+(?:-[^\W\d_]+)*(?![\w-])")  # a word of the prose, hyphenated or not
_INITIALISM = re.compile(r"[A-Z]{2,}(?=[A-Z][a-z]|[\d_]|$)")
_ADDRESS_PARTS = re.compile(r"[/.#?&=:@+]+")
_ADDRESS = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # an address out of the book: one in it names a chapter
_PROSE = {"text", "txt", "plain", "plaintext", "output", "log", "none", "nohighlight", "markdown", "md", "mdown", "rst", "restructuredtext",
          "asciidoc", "adoc", "tex", "latex"}  # fmt: skip
_MARKUP = {
    "html",
    "xhtml",
    "xml",
    "svg",
    "vue",
    "django",
    "htmldjango",
    "jinja",
    "jinja2",
    "j2",
    "twig",
    "liquid",
    "handlebars",
    "hbs",
    "njk",
}
_CONFIG = {"yaml", "yml", "toml", "ini", "cfg", "conf", "properties", "env", "dotenv"}
_PROMPT = re.compile(r"^\s*(?:\$|>>>|PS>|❯)(?:\s|$)")
_CONTINUATION = re.compile(r"^\s*\.\.\.(?:\s|$)")  # after `>>>`
# Strings and comments, found left to right so that a `#` inside a string is no comment:
_SKIPPED = re.compile(
    r'(?P<string>"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|`(?:\\.|[^`\\\n])*`)'
    r"|(?P<comment>/\*[\s\S]*?\*/|<!--[\s\S]*?-->|\{#[\s\S]*?#\}|(?:^|(?<=\s))#(?=\s|$).*|(?:^|(?<=[\s;){}]))//.*|^[ \t]*(?:--|;)(?=\s).*)",
    re.MULTILINE,
)
_TAGS = re.compile(r"<[^<>]*>|\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}")
_KEY_VALUE = re.compile(r"^(\s*(?:-\s+)?)([^:=#\s][^:=]*?)\s*[:=](?:\s+|$)(.*)$")


@dataclass
class Names:
    """The names a book uses, in lower case."""

    names: set[str] = field(default_factory=set)
    addresses: set[str] = field(default_factory=set)  # the parts of links' addresses, for LanguageTool alone
    terms: set[str] = field(default_factory=set)  # words the prose spells alike `TERM` times or more, for LanguageTool alone

    def knows(self, text: str, start: int, end: int) -> bool:
        """Whether `text[start:end]`, a word of the prose, or the name it is part of there, is one."""
        return self._knows(text, start, end, self.names)

    def spells(self, text: str, start: int, end: int) -> bool:
        """`knows`, or the word is a whole part of a link's address: for LanguageTool's spelling rule,
        which reports every word its dictionary lacks, not for codespell, which reports known
        misspellings (one in an address, `example.com/wiht`, is no reason to accept it in the prose).
        A word the book spells the same way again and again (`semiconvergents`, `Stern-Brocot`) is
        one of its terms: a slip of the keys is not repeated alike, and codespell still reports the
        common misspellings however often they are written."""
        return self._knows(text, start, end, self.names | self.addresses | self.terms)

    def _knows(self, text: str, start: int, end: int, names: set[str]) -> bool:
        if not names:
            return False
        left, right = start, end
        while left > 0 and (text[left - 1].isalnum() or text[left - 1] in "_-"):
            left -= 1
        while right < len(text) and (text[right].isalnum() or text[right] in "_-" and right + 1 < len(text) and text[right + 1].isalnum()):
            right += 1
        words = {text[start:end], text[left:right].strip("-")}
        return any(
            self._known(word, names) or "-" in word and all(self._known(part, names) for part in word.split("-") if part) for word in words
        )

    @staticmethod
    def _known(word: str, names: set[str]) -> bool:
        word = word.casefold()
        forms = {word}
        for ending in ("'s", "’s", "'", "’", "es", "s"):
            if word.endswith(ending) and len(word) > len(ending) + 1:
                forms.add(word[: -len(ending)])
        return bool(forms & names)


def collect(proses: Iterable[Prose]) -> Names:
    """The names every chapter's code writes and its links spell, and the terms its prose repeats."""
    proses = list(proses)
    found: set[str] = set()
    addresses: set[str] = set()
    for prose in proses:
        for block in prose.code:
            for name in _names(block):
                found.update([name, *_INITIALISM.findall(name), *(name.split("-") if "-" in name else ())])
        for reference in prose.references:
            address = prose.definitions.get(label_key(reference.target), "") if reference.reference else reference.target
            if reference.kind != "link" or not address:
                continue
            parts = _ADDRESS_PARTS.split(address.split("://", 1)[-1])
            bare = {_bare(part) for part in parts}
            named = [word for word in _NAME.findall(reference.text or "") if len(word) > 2 and _bare(word) in bare]
            if _ADDRESS.match(address):
                addresses.update(part for part in parts if len(part) > 2 and _NAME.fullmatch(part))
                found.update(named)
            else:
                addresses.update(named)  # `[treap](treap.md)`: the chapter's own name, for LanguageTool alone
    return Names({name.casefold() for name in found if name}, {part.casefold() for part in addresses}, _terms(proses))


TERM = 3  # how often a book spells a word alike for it to be one of its terms


def _terms(proses: Iterable[Prose]) -> set[str]:
    """The words the prose spells alike `TERM` times or more, but for the misspellings codespell knows
    (`teh` written three times is still `teh`)."""
    counted = Counter(word.casefold() for prose in proses for unit in prose.units for word in _WORD.findall(unit.text))
    return {word for word, count in counted.items() if count >= TERM} - codespell.misspellings()


def _bare(word: str) -> str:
    return word.replace("-", "").replace("_", "").casefold()


def _names(block: Block) -> list[str]:
    if block.kind == "directive":
        return _all(block.text)
    if block.kind == "inline":
        return _all(block.text) if not any(c.isspace() for c in block.text.strip()) else _shaped(block.text)
    language = _language(block.info)
    if language in _PROSE:
        return _shaped(block.text)
    if language in _MARKUP:
        return _all(_code_only(" ".join(tag.group(0) for tag in _TAGS.finditer(block.text))))
    lines = block.text.split("\n")
    prompts = [bool(_PROMPT.match(line) or _CONTINUATION.match(line) and ">>>" in block.text) for line in lines]
    if any(prompts):  # a session: commands after prompts, and their output
        commands = [re.sub(r"^\s*\S+\s?", "", line, count=1) for line, prompt in zip(lines, prompts) if prompt]
        output = [line for line, prompt in zip(lines, prompts) if not prompt]
        return _all(_code_only("\n".join(commands))) + _shaped("\n".join(output))
    code = _code_only(block.text)
    if language in _CONFIG:
        return _configuration(code)
    return _all(code)


def _language(info: str) -> str:
    """A fence's language: ```` ```python ````, ```` ``` { .python title="x" } ````, ```` ```rust,ignore ````."""
    found = re.match(r"^(?:`{3,}|~{3,})\s*\{?\s*\.?([\w+#.-]*)", info)
    return found.group(1).split(",")[0].lower() if found else ""


def _code_only(text: str) -> str:
    """`text` without its comments and its strings of several words; a one-word string's quotes go."""

    def replace(match: re.Match) -> str:
        if match.group("comment") is not None:
            return " "
        inner = match.group("string").strip("\"'`")
        return f" {inner} " if inner and not any(c.isspace() for c in inner) else " "

    return _SKIPPED.sub(replace, text)


def _configuration(text: str) -> list[str]:
    """A configuration file's keys, and its values that are one word (`theme: readthedocs`), not
    those of several (`site_name: My Docs`)."""
    found = []
    for line in text.split("\n"):
        pair = _KEY_VALUE.match(line)
        key, value = (pair.group(2), pair.group(3).strip()) if pair else ("", line.strip().removeprefix("- ").strip())
        found += _all(key)
        found += _all(value) if not any(c.isspace() for c in value) else _shaped(value)
    return found


def _all(text: str) -> list[str]:
    return _NAME.findall(text)


def _shaped(text: str) -> list[str]:
    """The names in `text` written as code, not as words."""
    found = []
    for match in _NAME.finditer(text):
        name, start, end = match.group(0), match.start(), match.end()
        before, after = text[max(0, start - 2) : start], text[end : end + 2]
        if (
            any(c.isdigit() for c in name)
            or "_" in name.strip("_") or name.startswith("__")
            or re.search(r"[a-z][A-Z]|[A-Z]{2}[a-z]", name)
            or after[:1] in ("(", "<", "[") or after in ("::", "->") or before.endswith(("::", "->", "--", "@", "$"))
            or (after[:1] in (".", "/") and after[1:2].isalnum()) or (before[-1:] in (".", "/") and before[:1].isalnum())
        ):  # fmt: skip
            found.append(name)
    return found
