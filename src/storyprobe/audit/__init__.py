"""Corpus audit: find AI self-preservation narratives in training data, with provenance.

The pipeline: :func:`discover_shards` finds input shards (JSONL, ``.jsonl.gz``, ``.jsonl.zst``,
Parquet, text files, saved Hugging Face datasets); :func:`run_audit` reads each shard in a
worker process, runs the :class:`Detector` cascade in batches and writes one attribute record
per input row (:mod:`._writers` documents the format); :func:`build_summary` computes
prevalence with Wilson intervals in DuckDB; :func:`build_croissant` writes a Croissant 1.1
manifest; :func:`apply_policy` keeps, drops, down-weights or tags documents by a policy.
The command line is ``storyprobe audit`` (:mod:`storyprobe.cli_audit`); formats are in
docs/audit.md.
"""

from storyprobe.audit._config import AuditConfig, ConfigError, load_config
from storyprobe.audit._croissant import build_croissant
from storyprobe.audit._document import BAD_INPUT_REASONS, BadRecord, Document, Provenance
from storyprobe.audit._executor import RunResult, default_detector, process_shard, run_audit
from storyprobe.audit._filter import FilterError, apply_policy
from storyprobe.audit._lineage import Lineage, new_run_id
from storyprobe.audit._policy import Decision, FilterPolicy, PolicyError, load_filter_policy
from storyprobe.audit._summary import SummaryError, build_summary
from storyprobe.audit._summary_text import summary_markdown
from storyprobe.audit._writers import ShardStats, shard_paths
from storyprobe.audit.detect import Detection, Detector, DetectorConfig, Span
from storyprobe.audit.readers import InputError, ReadCounters, Shard, discover_shards, read_shard

__all__ = [
    "BAD_INPUT_REASONS",
    "AuditConfig",
    "BadRecord",
    "ConfigError",
    "Decision",
    "Detection",
    "Detector",
    "DetectorConfig",
    "Document",
    "FilterError",
    "FilterPolicy",
    "InputError",
    "Lineage",
    "PolicyError",
    "Provenance",
    "ReadCounters",
    "RunResult",
    "Shard",
    "ShardStats",
    "Span",
    "SummaryError",
    "apply_policy",
    "build_croissant",
    "build_summary",
    "default_detector",
    "discover_shards",
    "load_config",
    "load_filter_policy",
    "new_run_id",
    "process_shard",
    "read_shard",
    "run_audit",
    "shard_paths",
    "summary_markdown",
]
