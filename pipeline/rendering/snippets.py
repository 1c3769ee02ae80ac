"""`pymdownx.snippets` for an untrusted run: the same extension, reading only files whose real path
(symbolic links followed) is inside one of its base paths, which `pipeline.configuration.trust` keeps inside the
book's folder. PyMdown's own check compares paths as written, so a link inside a base path that
leads out of it would otherwise be followed."""

from __future__ import annotations

import os

from pymdownx import snippets


class _Confined(snippets.SnippetPreprocessor):
    def get_snippet_path(self, path):
        found = super().get_snippet_path(path)
        if found is None:
            return None
        real = os.path.realpath(found)
        for base, is_dir in self.get_bases():
            inside = os.path.realpath(base)
            if (is_dir and real.startswith(inside.rstrip(os.sep) + os.sep)) or (not is_dir and real == inside):
                return found
        return None  # a link out of the base paths: as if it were not there (`check_paths` says so)


class ConfinedSnippetExtension(snippets.SnippetExtension):
    def extendMarkdown(self, md):
        self.md = md
        md.registerExtension(self)
        md.preprocessors.register(_Confined(self.getConfigs(), md), "snippet", 32)


def makeExtension(*args, **kwargs):
    return ConfinedSnippetExtension(*args, **kwargs)
