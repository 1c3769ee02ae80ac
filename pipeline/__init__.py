"""Presswork: one Markdown source in git, published as a site, a PDF, an EPUB and a DOCX."""

__version__ = "0.1.0"
