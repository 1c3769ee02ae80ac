"""Images a chapter takes from the web (badges, logos by URL): in a trusted build, fetched once into
the store and embedded in the PDF, EPUB and DOCX like the book's own; never fetched in an untrusted
run, which reads nothing from the network.

A fetch is bounded: HTTP and HTTPS only, a timeout, at most `max_image_bytes`, and only what its first
bytes show is an image every edition can show (PNG, JPEG, GIF, WebP, SVG). What is fetched is kept
under its URL, so the same book gives the same editions on the next build and offline; what cannot be
fetched is said, and the editions show the image's description instead.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass, field

from pipeline import __version__
from pipeline.rendering import images
from pipeline.store import Store, key

TIMEOUT = 20.0  # seconds for one image, at most (the book's `timeout` when it is shorter)


class Unfetched(Exception):
    """Why an image could not be had: said in the warning, with what to do."""


@dataclass
class Fetcher:
    """Fetches the web's images for one build, each URL once."""

    store: Store
    limit: int  # bytes
    timeout: float
    allowed: bool  # a trusted build; an untrusted one fetches nothing
    _done: dict[str, tuple[bytes, str] | Unfetched] = field(default_factory=dict)

    @classmethod
    def of(cls, store: Store, settings, timeout: float) -> Fetcher:
        """The fetcher of a build of the book `settings` describes: its image limit, a trusted run's only."""
        return cls(store, settings.presswork.max_image_bytes, min(TIMEOUT, timeout), settings.trust.trusted)

    def image(self, url: str) -> tuple[bytes, str]:
        """The image at `url` and its suffix; raises `Unfetched`."""
        if url not in self._done:
            try:
                self._done[url] = self._image(url)
            except Unfetched as error:
                self._done[url] = error
        found = self._done[url]
        if isinstance(found, Unfetched):
            raise found
        return found

    def _image(self, url: str) -> tuple[bytes, str]:
        if not self.allowed:
            raise Unfetched("an untrusted build fetches nothing from the network")
        if not url.lower().startswith(("http://", "https://")):
            raise Unfetched("only images over HTTP or HTTPS are fetched")
        name = key("remote image", url)
        kept = self.store.get_json("remote", name)
        data = self.store.get_blob(kept["sha256"]) if kept else None
        if data is None:
            data = _download(url, self.limit, self.timeout)
            self.store.put_json("remote", name, {"sha256": self.store.put_blob(data)})
        suffix = images.kind(data)
        if suffix is None:
            raise Unfetched("what it sends is no image every edition can show (PNG, JPEG, GIF, WebP or SVG)")
        problem = images.svg_problem(data) if suffix == ".svg" else None
        if problem:
            raise Unfetched(f"the SVG it sends {problem}")
        return data, suffix


def _download(url: str, limit: int, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": f"presswork/{__version__}", "Accept": "image/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (the scheme is checked above)
            data = response.read(limit + 1)
    except urllib.error.HTTPError as error:
        raise Unfetched(f"the server answered {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise Unfetched(f"it could not be fetched ({error.reason})") from None
    except (TimeoutError, OSError, ValueError) as error:
        raise Unfetched(f"it could not be fetched ({' '.join(str(error).split()) or type(error).__name__})") from None
    if len(data) > limit:
        raise Unfetched(f"it is over the limit of {limit:,} bytes (max_image_bytes)")
    return data
