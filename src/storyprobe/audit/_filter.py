"""``storyprobe audit filter``: apply a policy to an audited corpus, writing new shards.

For each shard of the audit in ``DIR`` it re-reads the input with whole records, walks the
shard's attribute file in step (checking each document's id and sha256, so a changed input is
an error and not a silent mismatch) and writes, under ``DIR2``:

- ``shards/<key>.jsonl``: the kept, down-weighted and tagged records as JSONL (the original
  record; text files become ``{"id", "text"}``), with ``weight`` and ``storyprobe_tags``
  fields added where the policy says;
- ``decisions/<key>.jsonl``: one line per input row, ``{"id", "index", "action", "reason",
  "weight", "tags"}``, including dropped and unreadable ones;
- ``filter.json``: counts per action and the policy used.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from storyprobe.audit._config import AuditConfig
from storyprobe.audit._document import Document
from storyprobe.audit._policy import FilterPolicy
from storyprobe.audit._writers import AtomicFile, shard_paths, write_json_atomic
from storyprobe.audit.readers import Shard, read_shard

__all__ = ["FilterError", "apply_policy"]


class FilterError(RuntimeError):
    """The audit folder is incomplete, or the input changed since it was audited."""


def apply_policy(audit_dir: Path, policy: FilterPolicy, out_dir: Path) -> dict[str, int]:
    """Apply ``policy`` to every shard audited in ``audit_dir``; return counts per action.

    Raises:
        FilterError: If a shard is not finished, or its input no longer matches its attributes.
    """
    run_file = Path(audit_dir) / "run.json"
    if not run_file.exists():
        raise FilterError(f"{audit_dir}: no run.json; run `storyprobe audit` into it first")
    run = json.loads(run_file.read_text(encoding="utf-8"))
    config = AuditConfig(**run["config"])
    counts: dict[str, int] = {}
    for shard in (Shard.from_dict(item) for item in run["shards"]):
        for action, count in _filter_shard(shard, Path(audit_dir), config, policy, out_dir).items():
            counts[action] = counts.get(action, 0) + count

    write_json_atomic(
        Path(out_dir) / "filter.json",
        {
            "audit": str(Path(audit_dir).resolve()),
            "run_id": run["lineage"]["run_id"],
            "counts": counts,
            "default": policy.default,
            "rules": [rule.name for rule in policy.rules],
        },
    )
    return counts


def _filter_shard(
    shard: Shard, audit_dir: Path, config: AuditConfig, policy: FilterPolicy, out_dir: Path
) -> dict[str, int]:
    paths = shard_paths(audit_dir, shard.key)
    if not paths["done"].exists():
        raise FilterError(
            f"shard {shard.key} is not finished; re-run `storyprobe audit` on "
            f"the same inputs with --out {audit_dir} to complete it"
        )
    counts: dict[str, int] = {}
    shards = AtomicFile(Path(out_dir) / "shards" / f"{shard.key}.jsonl")
    decisions = AtomicFile(Path(out_dir) / "decisions" / f"{shard.key}.jsonl")
    try:
        with paths["attributes"].open(encoding="utf-8") as attributes:
            items = read_shard(shard, config, full_records=True)
            for line, item in zip(attributes, items, strict=True):
                record = json.loads(line)
                _check(record, item, shard)
                decision = policy.decide(record)
                counts[decision.action] = counts.get(decision.action, 0) + 1
                decisions.write_record(
                    {
                        "id": record["id"],
                        "index": record["index"],
                        "action": decision.action,
                        "reason": decision.reason,
                        "weight": decision.weight,
                        "tags": list(decision.tags),
                    }
                )
                if decision.action in ("keep", "downweight", "tag") and isinstance(item, Document):
                    shards.write_record(_output(item, decision))
    except ValueError as exc:  # zip(strict=True): a different number of rows
        shards.abort()
        decisions.abort()
        raise FilterError(
            f"shard {shard.key}: input and attributes differ ({exc}); re-run the audit"
        ) from exc
    except BaseException:
        shards.abort()
        decisions.abort()
        raise
    shards.commit()
    decisions.commit()
    return counts


def _check(record: dict[str, Any], item: Any, shard: Shard) -> None:
    sha = item.provenance.sha256 if isinstance(item, Document) else None
    if record["id"] != item.id or record["provenance"]["sha256"] != sha:
        raise FilterError(
            f"shard {shard.key}, record {record['index']}: the input changed since "
            "the audit (id or sha256 differ); re-run the audit"
        )


def _output(doc: Document, decision: Any) -> dict[str, Any]:
    record = dict(doc.record) if doc.record is not None else {"id": doc.id, "text": doc.text}
    if decision.action == "downweight":
        record["weight"] = decision.weight
    if decision.action == "tag":
        record["storyprobe_tags"] = list(decision.tags)
    return record
