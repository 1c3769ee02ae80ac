"""The sources of a build: a commit's own tree (`source`), the nav MkDocs resolves after every plugin
(`navigation`), and the chapters read from it in reading order (`manuscript`)."""
