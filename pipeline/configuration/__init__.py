"""The configuration: `mkdocs.yml` and what it inherits, read as MkDocs reads it (`configfile`), the
presswork block's schema (`settings`), validated once into `Settings` (`config`); the shapes of its
`plugins` and `markdown_extensions` (`entries`), a translated book's layout (`translations`), and
whether a run may believe what it reads (`trust`)."""
