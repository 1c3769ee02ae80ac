"""Writes the API page, as a project's script would from its code."""

import mkdocs_gen_files

with mkdocs_gen_files.open("reference.md", "w") as page:
    page.write("# The API\n\nEvery function the script found is listed here.\n\n## `frobnicate()`\n\nTurns the knob.\n")
