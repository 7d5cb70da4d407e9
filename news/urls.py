"""URL normalisation, title and content keys for recognising the same story, and GUID scopes keeping feeds apart."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "ga_", "hsa_", "oly_", "vero_", "_hs")
_TRACKING_KEYS = frozenset(
    {
        "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "ref", "ref_src", "cmpid", "ocid", "smid",
        "at_medium", "at_campaign", "at_source", "mkt_tok", "wt.mc_id", "__twitter_impression",
    }
)
_FEED_KEYS = frozenset({"ref"})  # tracking on a story link, a branch or an edition on a feed (?ref=main)
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
MIN_TITLE_KEY = 24
CONTENT_PREFIX = "text:"
CONTENT_CHARS = 500  # of an entry's text, what content_key reads


def _is_tracking(key: str) -> bool:
    lowered = key.lower()
    return lowered in _TRACKING_KEYS or lowered.startswith(_TRACKING_PREFIXES)


def normalize_url(url: str) -> str:
    """Return a canonical form of an http(s) URL: no tracking parameters, fragment or default port."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.").removeprefix("amp.")
    if ":" in host:
        host = f"[{host}]"
    port = _port(parts.netloc)
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    path = path.removesuffix("/amp") or "/"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k))
    scheme = "https" if scheme in ("http", "https") else scheme
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def source_key(url: str) -> str:
    """The form feed addresses are compared in (narrower than normalize_url); file and other URLs as written."""
    # Scheme and host go lower-case; the default port, the fragment, tracking parameters and trailing slashes go;
    # the other query parameters are sorted. Userinfo, path case, www./m./amp. hosts, a /amp path, ?ref= and
    # http versus https all still tell two feeds apart.
    url = url.strip()
    if not is_web_url(url):
        return url
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    userinfo, at, _ = parts.netloc.rpartition("@")
    host = (parts.hostname or "").lower()
    host = f"[{host}]" if ":" in host else host
    port = _port(parts.netloc)
    netloc = userinfo + at + (host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}")
    path = parts.path.rstrip("/") or "/"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = sorted((key, value) for key, value in pairs if not _is_tracking(key) or key.lower() in _FEED_KEYS)
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def _port(netloc: str) -> str | None:
    """The port as written after the host (kept as text: an out-of-range port is not ours to reject)."""
    after_host = netloc.rsplit("@", 1)[-1].rsplit("]", 1)[-1]
    _, sep, port = after_host.rpartition(":")
    if not sep or not port:
        return None
    return port.lstrip("0") or "0"


def without_tracking(url: str) -> str:
    """The URL as published, minus tracking parameters (utm_*, fbclid...): the link a reader should get."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(key, value) for key, value in pairs if not _is_tracking(key)]
    if len(kept) == len(pairs):
        return url
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), parts.fragment))


def is_web_url(value: str) -> bool:
    """Tell whether a string is an absolute http or https URL with a host."""
    parts = urlsplit(value.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def title_key(title: str) -> str | None:
    """A title reduced to lower-case words (accents, punctuation and case ignored); None when too short to trust."""
    folded = unicodedata.normalize("NFKD", title.casefold())
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    key = _NON_WORD.sub(" ", folded).strip()
    return key[:300] if len(key) >= MIN_TITLE_KEY else None


def guid_scope(source_url: str) -> str:
    """The prefix that keeps a feed's GUIDs apart from every other feed's: a hash of its address (as compared)."""
    return "feed-" + hashlib.sha1(source_key(source_url).encode()).hexdigest()[:16] + ":"


def content_key(title: str, text: str) -> str:
    """A key of what an entry says (its title and opening text): the identity of one with neither GUID nor link."""
    # the GUID plain-text documents were given before, so the stories they stored stay known
    return CONTENT_PREFIX + hashlib.sha1(f"{title}\n{text[:CONTENT_CHARS]}".encode()).hexdigest()[:20]
