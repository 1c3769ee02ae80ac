"""Rendering and assembly: MkDocs renders every page once (`render`), its HTML is made what pandoc
reads (`markup`), untrusted HTML sanitised (`sanitiser`, `snippets`), links and images resolved
(`references`, `images`, `remote`), and the chapters assembled into one pandoc document for every
single-file edition (`assembly`, over pandoc's tree: `tree`)."""
