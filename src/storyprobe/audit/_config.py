"""Audit configuration: field names, limits, per-source licences and the detector's settings.

Read from a TOML file (``storyprobe audit ... --config audit.toml``); every key is optional::

    [fields]                      # names of the fields in JSONL, Parquet and HF records
    text = "text"
    id = "id"
    url = "url"
    licence = "license"           # a record's own licence field wins over [sources]
    timestamp = "timestamp"

    [limits]
    max_line_bytes = 33554432     # longer lines (and text files) become bad records

    [sources.wiki]                # keyed by source name (the input path's name)
    licence = "CC-BY-SA-4.0"

    [detector]                    # passed to storyprobe.audit.detect.DetectorConfig(**table)
    stage3 = false

The config hash (in the run's lineage) covers everything that changes the attribute files.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

__all__ = ["AuditConfig", "ConfigError", "load_config"]

DEFAULT_MAX_LINE_BYTES = 32 * 1024 * 1024


class ConfigError(ValueError):
    """The audit configuration file is missing, malformed or has unknown keys."""


@dataclass(frozen=True)
class AuditConfig:
    """Settings for one audit run (picklable: it travels to worker processes).

    Attributes:
        text_field: Record field holding the text.
        id_field: Record field holding the document id.
        url_field: Record field holding the URL (its registrable domain goes into provenance).
        licence_field: Record field holding a licence.
        timestamp_field: Record field holding a timestamp.
        max_line_bytes: Lines and text files larger than this become ``line_too_long`` or
            ``document_too_long`` bad records.
        source_licences: Licence per source name, for records without a licence field.
        detector: Keyword arguments for ``DetectorConfig``.
        batch_size: Documents per ``detect_batch`` call.
    """

    text_field: str = "text"
    id_field: str = "id"
    url_field: str = "url"
    licence_field: str = "license"
    timestamp_field: str = "timestamp"
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    source_licences: dict[str, str] = field(default_factory=dict)
    detector: dict[str, Any] = field(default_factory=dict)
    batch_size: int = 256

    def with_fields(self, text_field: str | None, id_field: str | None) -> AuditConfig:
        """Return a copy with command-line field names applied (None keeps the current)."""
        return replace(
            self,
            text_field=text_field or self.text_field,
            id_field=id_field or self.id_field,
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form, written into the run manifest."""
        return asdict(self)

    def config_hash(self) -> str:
        """sha256 of the canonical JSON of every setting (the lineage's ``config_hash``)."""
        canonical = json.dumps(self.as_dict(), sort_keys=True, default=str)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_config(path: Path | None) -> AuditConfig:
    """Read an audit TOML file (None gives the defaults).

    Raises:
        ConfigError: If the file cannot be read or has unknown tables or keys.
    """
    if path is None:
        return AuditConfig()
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read audit config {path}: {exc}") from exc

    unknown = set(raw) - {"fields", "limits", "sources", "detector"}
    if unknown:
        raise ConfigError(f"{path}: unknown tables {sorted(unknown)}; see docs/audit.md")
    fields = _table(raw, "fields", {"text", "id", "url", "licence", "timestamp"}, path)
    limits = _table(raw, "limits", {"max_line_bytes"}, path)
    sources = raw.get("sources", {})
    licences = {
        name: str(table["licence"]) for name, table in sources.items() if "licence" in table
    }

    defaults = AuditConfig()
    return AuditConfig(
        text_field=fields.get("text", defaults.text_field),
        id_field=fields.get("id", defaults.id_field),
        url_field=fields.get("url", defaults.url_field),
        licence_field=fields.get("licence", defaults.licence_field),
        timestamp_field=fields.get("timestamp", defaults.timestamp_field),
        max_line_bytes=int(limits.get("max_line_bytes", defaults.max_line_bytes)),
        source_licences=licences,
        detector=_detector_table(raw.get("detector", {}), Path(path).parent),
    )


def _table(raw: dict[str, Any], name: str, keys: set[str], path: Path) -> dict[str, Any]:
    table = raw.get(name, {})
    unknown = set(table) - keys
    if unknown:
        raise ConfigError(f"{path}: unknown keys in [{name}]: {sorted(unknown)}")
    return table


def _detector_table(table: dict[str, Any], base: Path) -> dict[str, Any]:
    """Detector settings, with relative data-file paths resolved against the config's folder."""
    path_keys = {"agents", "behaviours", "context", "thresholds", "prototypes"}
    return {
        key: str((base / value).resolve()) if key in path_keys and isinstance(value, str) else value
        for key, value in table.items()
    }
