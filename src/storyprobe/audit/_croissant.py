"""A Croissant 1.1 JSON-LD manifest of an audited corpus (``DIR/croissant.json``).

It lists every input file (``cr:FileObject`` with its sha256, format and licence as the audit
found it), every attribute file and the summary, and describes the attribute files as one
record set, ``attributes`` (id, index, flagged, score, stance, and provenance fields), so that
``mlcroissant`` can load the audit's tags next to the data. The headline figures of the
summary go into the description; the full summary is the ``summary.json`` file object.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from storyprobe.audit.readers import Shard

__all__ = ["CROISSANT_CONTEXT", "build_croissant", "file_sha256"]

CROISSANT_CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

FORMATS = {
    "jsonl": "application/jsonlines",
    "parquet": "application/x-parquet",
    "text": "text/plain",
    "hf": "application/x-arrow",
}

ATTRIBUTE_FIELDS = (
    ("id", "sc:Text", None),
    ("index", "sc:Integer", None),
    ("flagged", "sc:Boolean", None),
    ("score", "sc:Float", None),
    ("stance", "sc:Text", None),
    ("source", "sc:Text", "source"),
    ("shard", "sc:Text", "shard"),
    ("file", "sc:Text", "file"),
    ("sha256", "sc:Text", "sha256"),
    ("domain", "sc:Text", "domain"),
    ("licence", "sc:Text", "licence"),
)


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def build_croissant(out_dir: Path, summary: dict[str, Any]) -> dict[str, Any]:
    """Build the manifest for an audit folder and write it to ``out_dir/croissant.json``.

    Args:
        out_dir: A folder written by ``storyprobe audit`` with its ``run.json``.
        summary: The audit summary (:func:`storyprobe.audit.build_summary`).
    """
    out_dir = Path(out_dir).resolve()
    run = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
    shards = [Shard.from_dict(item) for item in run["shards"]]
    licences = {row["name"] for row in summary["by_licence"]}

    inputs = [_input_object(shard, path, run) for shard in shards for path in _files(shard)]
    attributes = sorted((out_dir / "attributes").rglob("*.attributes.jsonl"))
    outputs = [
        _object(
            f"attributes/{p.relative_to(out_dir / 'attributes').as_posix()}",
            p,
            FORMATS["jsonl"],
            out_dir,
        )
        for p in attributes
    ]
    outputs.append(_object("summary.json", out_dir / "summary.json", "application/json", out_dir))
    outputs.append(
        {
            "@type": "cr:FileSet",
            "@id": "attribute-files",
            "name": "attribute-files",
            "encodingFormat": FORMATS["jsonl"],
            "includes": "attributes/**/*.attributes.jsonl",
        }
    )

    manifest = {
        "@context": CROISSANT_CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.1",
        "name": f"storyprobe-audit-{run['lineage']['run_id']}",
        "description": _description(summary, run),
        "url": out_dir.as_uri(),
        "license": sorted(licences - {"(unknown)"}) or "unknown",
        "version": "1.0.0",
        "datePublished": run["lineage"]["started"][:10],
        "creator": {"@type": "sc:Organization", "name": "storyprobe corpus audit"},
        "citeAs": f"storyprobe corpus audit, run {run['lineage']['run_id']}",
        "distribution": inputs + outputs,
        "recordSet": [_record_set()],
    }
    (out_dir / "croissant.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    return manifest


def _files(shard: Shard) -> list[Path]:
    if shard.kind != "hf":
        return [Path(p) for p in shard.paths]
    return sorted(p for p in Path(shard.paths[0]).rglob("*") if p.is_file())


def _input_object(shard: Shard, path: Path, run: dict[str, Any]) -> dict[str, Any]:
    item = _object(
        f"input/{shard.key}/{path.name}" if shard.kind in ("hf", "text") else f"input/{shard.key}",
        path,
        FORMATS[shard.kind],
        None,
    )
    licence = run["config"]["source_licences"].get(shard.source)
    if licence:
        item["license"] = licence
    return item


def _object(ident: str, path: Path, encoding: str, base: Path | None) -> dict[str, Any]:
    url = path.relative_to(base).as_posix() if base else path.resolve().as_uri()
    return {
        "@type": "cr:FileObject",
        "@id": ident,
        "name": ident,
        "contentUrl": url,
        "encodingFormat": encoding,
        "sha256": file_sha256(path),
    }


def _record_set() -> dict[str, Any]:
    return {
        "@type": "cr:RecordSet",
        "@id": "attributes",
        "name": "attributes",
        "description": "One record per input document (or bad record), in input order.",
        "field": [
            {
                "@type": "cr:Field",
                "@id": f"attributes/{name}",
                "name": name,
                "dataType": kind,
                "source": _source(name, provenance_key),
            }
            for name, kind, provenance_key in ATTRIBUTE_FIELDS
        ],
    }


def _source(name: str, provenance_key: str | None) -> dict[str, Any]:
    source: dict[str, Any] = {"fileSet": {"@id": "attribute-files"}}
    if provenance_key is None:
        return source | {"extract": {"column": name}}
    return source | {"extract": {"column": "provenance"}, "transform": {"jsonPath": provenance_key}}


def _description(summary: dict[str, Any], run: dict[str, Any]) -> str:
    overall = summary["overall"]
    low, high = overall["ci95"] or (float("nan"), float("nan"))
    errors = sum(summary["bad_input"]["totals"].values())
    return (
        f"Corpus audited by storyprobe {run['lineage']['storyprobe_version']} "
        f"(run {run['lineage']['run_id']}, config {run['lineage']['config_hash'][:12]}). "
        f"{overall['flagged']} of {overall['documents']} documents flagged as AI "
        f"self-preservation narratives ({overall['prevalence'] or 0:.2%}, 95% Wilson "
        f"[{low:.2%}, {high:.2%}]); {errors} bad inputs. Full figures: summary.json."
    )
