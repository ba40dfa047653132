"""The audit summary: prevalence with Wilson intervals, top examples and bad input, via DuckDB.

DuckDB reads every ``attributes/**/*.attributes.jsonl`` with a fixed schema and computes, for
the whole run and per source, registrable domain, licence and behaviour:

- ``documents``, ``flagged``, ``prevalence`` (flagged / documents) with a 95% Wilson interval
  (``storyprobe.stats.wilson_interval``; documents are the trials);
- ``tokens``, ``flagged_tokens``, ``token_prevalence`` (flagged tokens / tokens). Tokens are
  whitespace-separated words, not model tokens. No interval is given for the token-weighted
  figure: tokens of one document are not independent trials.

Bad records (``error`` set) are not documents: they are counted apart, per shard and reason,
from the shard stats files, with the first locations. Only the shards of the last run
(``run.json``) that have their completion marker are read; unfinished ones are listed. The
summary is written as ``DIR/summary.json`` and ``DIR/summary.md``
(:mod:`storyprobe.audit._summary_text`).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from storyprobe.audit._document import BAD_INPUT_REASONS
from storyprobe.audit._summary_text import summary_markdown
from storyprobe.audit._writers import ShardStats, shard_paths, write_json_atomic
from storyprobe.behaviours import BEHAVIOUR_IDS
from storyprobe.stats import wilson_interval

__all__ = ["ATTRIBUTE_COLUMNS", "SummaryError", "build_summary"]

ATTRIBUTE_COLUMNS = {
    "id": "VARCHAR",
    "index": "BIGINT",
    "flagged": "BOOLEAN",
    "score": "DOUBLE",
    "behaviours": "VARCHAR[]",
    "spans": 'STRUCT(start BIGINT, "end" BIGINT, score DOUBLE, behaviour VARCHAR, '
    "stance VARCHAR, excerpt VARCHAR)[]",
    "stance": "VARCHAR",
    "stage": "INTEGER",
    "tokens": "BIGINT",
    "chars": "BIGINT",
    "error": "STRUCT(reason VARCHAR, detail VARCHAR)",
    "provenance": "STRUCT(source VARCHAR, shard VARCHAR, file VARCHAR, line BIGINT, row BIGINT, "
    "byte_offset BIGINT, split VARCHAR, url VARCHAR, domain VARCHAR, licence VARCHAR, "
    'sha256 VARCHAR, "timestamp" VARCHAR)',
}
"""The DuckDB schema of an attribute record (``stage_scores`` is left out: its keys vary)."""

GROUPS = {
    "source": "provenance.source",
    "domain": "coalesce(provenance.domain, '(no url)')",
    "licence": "coalesce(provenance.licence, '(unknown)')",
}


class SummaryError(ValueError):
    """The folder holds no audit output."""


def build_summary(out_dir: Path, top: int = 10, write: bool = True) -> dict[str, Any]:
    """Summarise an audit folder (and write ``summary.json`` and ``summary.md`` into it).

    Args:
        out_dir: A folder written by ``storyprobe audit``.
        top: How many top-scoring examples to include.
        write: Write the summary files.

    Raises:
        SummaryError: If ``out_dir`` has no finished shard.
    """
    import duckdb

    out_dir = Path(out_dir)
    keys = _shard_keys(out_dir)
    finished = [key for key in keys if shard_paths(out_dir, key)["done"].exists()]
    files = [shard_paths(out_dir, key)["attributes"] for key in finished]
    if not files:
        raise SummaryError(
            f"{out_dir}: no attribute files; run `storyprobe audit INPUT --out {out_dir}` first"
        )

    con = duckdb.connect()
    con.execute(
        f"CREATE VIEW attrs AS SELECT * FROM read_json({_list(files)}, "
        f"format='newline_delimited', columns={_struct(ATTRIBUTE_COLUMNS)})"
    )
    con.execute("CREATE VIEW docs AS SELECT * FROM attrs WHERE error IS NULL")
    summary: dict[str, Any] = {
        "lineage": _lineage(out_dir),
        "overall": _rows(con, "SELECT 'all' AS name, " + _AGG + " FROM docs")[0],
        "by_source": _grouped(con, GROUPS["source"]),
        "by_domain": _grouped(con, GROUPS["domain"]),
        "by_licence": _grouped(con, GROUPS["licence"]),
        "by_behaviour": _behaviours(con),
        "top_examples": _top(con, top),
        "counts": _counts(out_dir, finished),
        "unfinished_shards": [key for key in keys if key not in finished],
        "bad_input": _bad_input(out_dir, finished),
        "notes": {
            "tokens": "whitespace-separated words",
            "interval": "95% Wilson, documents as trials",
        },
    }
    if write:
        write_json_atomic(out_dir / "summary.json", summary)
        (out_dir / "summary.md").write_text(summary_markdown(summary), encoding="utf-8")
    return summary


_AGG = """count(*) AS documents, count(*) FILTER (WHERE flagged) AS flagged,
coalesce(sum(tokens), 0) AS tokens,
coalesce(sum(tokens) FILTER (WHERE flagged), 0) AS flagged_tokens"""


def _grouped(con: Any, expression: str) -> list[dict[str, Any]]:
    query = (
        f"SELECT {expression} AS name, {_AGG} FROM docs GROUP BY 1 "
        "ORDER BY flagged DESC, documents DESC, name"
    )
    return _rows(con, query)


def _behaviours(con: Any) -> list[dict[str, Any]]:
    ((documents, tokens),) = con.execute(
        "SELECT count(*), coalesce(sum(tokens), 0) FROM docs"
    ).fetchall()
    counts = dict.fromkeys(BEHAVIOUR_IDS, (0, 0))
    query = """SELECT b, count(*), sum(tokens) FROM (SELECT unnest(behaviours) AS b, tokens
               FROM docs WHERE flagged) GROUP BY b"""
    for behaviour, flagged, flagged_tokens in con.execute(query).fetchall():
        counts[behaviour] = (flagged, flagged_tokens)
    rows = [
        {"name": b, "documents": documents, "flagged": f, "tokens": tokens, "flagged_tokens": ft}
        for b, (f, ft) in counts.items()
    ]
    return [_with_rates(row) for row in rows]


def _top(con: Any, top: int) -> list[dict[str, Any]]:
    query = f"""SELECT id, score, behaviours, stance, provenance, spans FROM docs
                WHERE flagged ORDER BY score DESC, provenance.shard, "index" LIMIT {int(top)}"""
    columns = ["id", "score", "behaviours", "stance", "provenance", "spans"]
    return [dict(zip(columns, row, strict=True)) for row in con.execute(query).fetchall()]


def _shard_keys(out_dir: Path) -> list[str]:
    run = out_dir / "run.json"
    if run.exists():
        return [shard["key"] for shard in json.loads(run.read_text(encoding="utf-8"))["shards"]]
    attributes = out_dir / "attributes"
    suffix = ".attributes.jsonl"
    return sorted(
        p.relative_to(attributes).as_posix()[: -len(suffix)] for p in attributes.rglob(f"*{suffix}")
    )


def _counts(out_dir: Path, keys: list[str]) -> dict[str, int]:
    merged = ShardStats()
    for key in keys:
        merged = merged.merge(ShardStats.load(shard_paths(out_dir, key)["stats"]))
    names = ("rows_seen", "documents", "errors", "blank_lines", "bytes_read", "flagged")
    return {name: getattr(merged, name) for name in names} | {"shards": len(keys)}


def _bad_input(out_dir: Path, keys: list[str]) -> dict[str, Any]:
    shards = []
    for key in keys:
        stats = ShardStats.load(shard_paths(out_dir, key)["stats"])
        if stats.bad_input:
            shards.append(
                {
                    "shard": key,
                    "rows_seen": stats.rows_seen,
                    "documents": stats.documents,
                    "errors": stats.errors,
                    "counts": stats.bad_input,
                    "examples": stats.bad_examples,
                }
            )
    totals: dict[str, int] = {}
    for shard in shards:
        for reason, count in shard["counts"].items():
            totals[reason] = totals.get(reason, 0) + count
    meanings = {reason: BAD_INPUT_REASONS.get(reason, "") for reason in totals}
    return {"totals": totals, "meanings": meanings, "shards": shards}


def _rows(con: Any, query: str) -> list[dict[str, Any]]:
    cursor = con.execute(query)
    columns = [column[0] for column in cursor.description]
    return [_with_rates(dict(zip(columns, row, strict=True))) for row in cursor.fetchall()]


def _with_rates(row: dict[str, Any]) -> dict[str, Any]:
    documents, flagged = int(row["documents"]), int(row["flagged"])
    interval = wilson_interval(flagged, documents)
    tokens = int(row["tokens"])
    return row | {
        "documents": documents,
        "flagged": flagged,
        "tokens": tokens,
        "flagged_tokens": int(row["flagged_tokens"]),
        "prevalence": flagged / documents if documents else None,
        "ci95": None if math.isnan(interval.low) else [interval.low, interval.high],
        "token_prevalence": int(row["flagged_tokens"]) / tokens if tokens else None,
    }


def _lineage(out_dir: Path) -> dict[str, Any]:
    run = out_dir / "run.json"
    return json.loads(run.read_text(encoding="utf-8"))["lineage"] if run.exists() else {}


def _list(files: list[Path]) -> str:
    return "[" + ", ".join("'" + str(f).replace("'", "''") + "'" for f in files) + "]"


def _struct(columns: dict[str, str]) -> str:
    return "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items()) + "}"
