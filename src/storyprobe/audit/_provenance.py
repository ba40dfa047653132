"""Provenance fields derived from a record: URL, registrable domain, licence, sha256, time.

Registrable domains come from ``tldextract`` with its bundled Public Suffix List snapshot and
no network (``suffix_list_urls=()``), private suffixes included (``user.github.io`` is its own
site, as is ``name.blogspot.com``). Where ``tldextract`` is not installed the fallback takes
the host's last two labels (three when the second-to-last is a short label such as ``co`` in
``bbc.co.uk``) — right for most hosts, wrong for private suffixes such as ``github.io``.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any
from urllib.parse import urlsplit

from storyprobe.audit._config import AuditConfig
from storyprobe.audit._document import Provenance

__all__ = ["registrable_domain", "text_sha256", "with_record_fields"]


def text_sha256(text: str) -> str:
    """Hex sha256 of the text as UTF-8 (``surrogatepass`` keeps lone surrogates hashable)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def registrable_domain(url: str) -> str | None:
    """The registrable domain of a URL (``example.co.uk``), or None if it has no host."""
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    if not host or any(char.isspace() for char in host):
        return None
    return _host_domain(host)


@lru_cache(maxsize=1 << 16)
def _host_domain(host: str) -> str:
    extract = _extractor()
    if extract is None:
        return _fallback_domain(host)

    result = extract(host)
    if not result.suffix:
        return host
    return f"{result.domain}.{result.suffix}" if result.domain else host


def with_record_fields(
    provenance: Provenance, record: dict[str, Any], text: str, config: AuditConfig
) -> Provenance:
    """Fill a provenance's URL, domain, licence, timestamp and sha256 from its record."""
    url = record.get(config.url_field)
    if isinstance(url, str) and url:
        provenance.url = url
        provenance.domain = registrable_domain(url)

    licence = record.get(config.licence_field)
    if licence is None and config.licence_field == "license":
        licence = record.get("licence")
    provenance.licence = (
        str(licence) if licence is not None else config.source_licences.get(provenance.source)
    )

    timestamp = record.get(config.timestamp_field)
    if isinstance(timestamp, datetime | date):
        provenance.timestamp = timestamp.isoformat()
    elif timestamp is not None:
        provenance.timestamp = str(timestamp)

    provenance.sha256 = text_sha256(text)
    return provenance


@cache
def _extractor() -> Any:
    try:
        import tldextract
    except ImportError:
        return None
    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )


def _fallback_domain(host: str) -> str:
    labels = host.rstrip(".").split(".")
    if len(labels) <= 2 or all(label.isdigit() for label in labels):
        return host
    # TODO: without tldextract there is no Public Suffix List; "co.uk"-style suffixes are
    # guessed from a short second-level label, private suffixes (github.io) are missed.
    keep = 3 if len(labels[-2]) <= 3 and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])
