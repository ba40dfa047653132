"""How fast the corpus audit's detector runs, per core, and how it compares with datatrove.

Generates a deterministic JSONL corpus (default 500 MB uncompressed; ``--mb``) from real
text that installed packages carry (gensim's Wikipedia sample and Lee news articles, cut
into documents), filler made of shuffled real sentences, and the labelled synthetic
positives of tests/fixtures/audit_labelled/ at a low rate. Then, each in this one process
(one process = one core):

- read+parse: read lines and decode JSON (orjson when installed, else the json module);
- stage 1 alone: the Aho–Corasick prefilter on already-parsed texts, one document at a
  time, and batched: the same verdicts from one scan per 8 MB of text, as the audit
  pipeline runs it (``Detector.prefilter_many``);
- stage 2 on the stage-1 passes;
- stage 3 alone on stage-2 candidates (``--stage3``: windows + embedding + similarity);
- end to end: read + parse + stage 1 on every document, one at a time and batched; stage 1
  on the raw line first and JSON decoding only for lines that pass
  (``Detector.prefilter_raw``); the same on 256 KB buffers of whole lines, one scan each
  (``Detector.prefilter_lines``); and read + parse + the full cascade (``Detector.detect``)
  on every document;
- pipeline end to end: ``run_audit`` with one worker, as ``storyprobe audit CORPUS --out DIR``
  runs it (readers, provenance with sha256, the cascade, token counts, attribute files, stats
  and markers written to a temporary folder); ``--pipeline-only`` prints just this row;
- datatrove 0.10.1 (``pip install datatrove==0.10.1``; not a storyprobe dependency):
  JsonlReader -> LambdaFilter with the same stage-1 keyword test -> a counter, one task and
  one worker, and the ratio of our end-to-end rate to it;
- on the first ``--regex-mb`` MB (default 10): datatrove with the same rule written in
  Python ``re`` (the engine of datatrove's own RegexFilter), datatrove with our test, and
  our batched stage 1, with the ratios of the three on that one workload.

Prints figures (it stops only if the batched and one-at-a-time stage 1 disagree). Goals:
stage 1 end to end >= 150 MB/s per core, >= 3x datatrove.

    python bench/audit_speed.py [--mb 500] [--dir DIR] [--seed 7] [--stage3] [--no-datatrove]
                                [--regex-mb 10] [--pipeline-only]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from storyprobe.audit import AuditConfig, run_audit
from storyprobe.audit._records import BATCH_CHARS
from storyprobe.audit.detect import Detector, DetectorConfig
from storyprobe.audit.detect._samples import lee_background, wikipedia_articles

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "audit_labelled"
SHARD_BYTES = 64 * 1024 * 1024
POSITIVE_RATE = 0.002

try:
    import orjson

    loads: Callable[[bytes], dict] = orjson.loads
    PARSER = f"orjson {orjson.__version__}"
except ImportError:  # pragma: no cover - depends on the environment
    loads = json.loads
    PARSER = "json (stdlib)"


def generate(folder: Path, megabytes: int, seed: int) -> list[Path]:
    """Write ``megabytes`` of JSONL shards into ``folder`` (reused when already complete)."""
    marker = folder / f"_complete_{megabytes}mb_seed{seed}"
    if marker.exists():
        return sorted(folder.glob("shard-*.jsonl"))
    for old in folder.glob("shard-*.jsonl"):
        old.unlink()

    rng = random.Random(seed)
    real = [text for _, text in wikipedia_articles()] + [text for _, text in lee_background()]
    pieces = [real_text[i : i + 6000] for real_text in real for i in range(0, len(real_text), 6000)]
    sentences = [s.strip() + "." for text in real for s in text.split(". ") if len(s) > 40]
    positives = [e["text"] for e in yaml.safe_load((FIXTURES / "positives.yaml").read_text())]

    target, written, number, paths = megabytes * 1_000_000, 0, 0, []
    while written < target:
        path = folder / f"shard-{len(paths):03d}.jsonl"
        with path.open("wb") as out:
            size = 0
            while size < SHARD_BYTES and written + size < target:
                draw = rng.random()
                if draw < POSITIVE_RATE:
                    text = rng.choice(positives)
                elif draw < 0.6:
                    text = rng.choice(pieces)
                else:
                    text = " ".join(rng.choice(sentences) for _ in range(rng.randint(5, 60)))
                line = json.dumps({"id": f"doc-{number}", "text": text}).encode() + b"\n"
                out.write(line)
                size += len(line)
                number += 1
        written += size
        paths.append(path)
    marker.touch()
    return paths


def timed(step: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    count = step()
    return time.perf_counter() - start, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=500, help="corpus size, MB uncompressed")
    parser.add_argument("--dir", type=Path, help="where to write the corpus (default: temp)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--stage3", action="store_true", help="also time stage 3")
    parser.add_argument("--no-datatrove", action="store_true")
    parser.add_argument(
        "--regex-mb",
        type=int,
        default=10,
        help="MB for datatrove with a Python re keyword filter (slow; 0 skips it)",
    )
    parser.add_argument("--pipeline-only", action="store_true", help="only the pipeline row")
    args = parser.parse_args()

    folder = args.dir or Path(tempfile.mkdtemp(prefix="storyprobe-audit-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    paths = generate(folder, args.mb, args.seed)
    total = sum(p.stat().st_size for p in paths)
    print(
        f"corpus: {len(paths)} shards, {total / 1e6:.0f} MB in {folder} "
        f"({time.perf_counter() - start:.1f} s to prepare)"
    )
    print(f"one process = one core (machine has {os.cpu_count()} cores); parser: {PARSER}")
    if args.pipeline_only:
        pipeline(paths, total)
        return
    detector = Detector(DetectorConfig(stage3=args.stage3))

    def read_parse() -> int:
        count = 0
        for path in paths:
            with path.open("rb") as stream:
                for line in stream:
                    loads(line)["text"]
                    count += 1
        return count

    seconds, docs = timed(read_parse)
    row("read+parse", total, seconds, docs)

    stage12 = Detector()
    stage1_s = stage2_s = stage3_s = batch_s = 0.0
    passes = flagged = candidates = 0
    pass_bytes = text_bytes = candidate_bytes = 0
    for path in paths:
        with path.open("rb") as stream:
            texts = [loads(line)["text"] for line in stream]
        text_bytes += sum(len(t) for t in texts)
        t0 = time.perf_counter()
        kept = [t for t in texts if stage12.prefilter(t)]
        t1 = time.perf_counter()
        results = stage12.detect_batch(kept)
        t2 = time.perf_counter()
        batched, _ = batches_passing(stage12, texts)
        t3 = time.perf_counter()
        if batched != len(kept):
            raise AssertionError(f"batched stage 1 kept {batched}, one at a time {len(kept)}")
        stage1_s += t1 - t0
        stage2_s += t2 - t1
        batch_s += t3 - t2
        passes += len(kept)
        pass_bytes += sum(len(t.encode()) for t in kept)
        if args.stage3:
            seconds, chosen, results = time_stage3(detector, kept, results)
            stage3_s += seconds
            candidates += len(chosen)
            candidate_bytes += sum(len(t.encode()) for t in chosen)
        flagged += sum(r.flagged for r in results)
    row("stage 1 alone (parsed text)", total, stage1_s, docs)
    row("stage 1 alone, batched (parsed text)", total, batch_s, docs)
    print(f"  stage 1 passes: {passes:,} of {docs:,} documents ({pass_bytes / 1e6:.1f} MB)")
    row("stage 1+2 on stage-1 passes", pass_bytes, stage2_s, passes)
    if args.stage3:
        row("stage 3 alone on stage-2 candidates", candidate_bytes, stage3_s, candidates)
        print(f"  stage 3 ran on {candidates:,} candidates ({candidate_bytes / 1e6:.2f} MB)")
    print(f"  flagged: {flagged:,}" + (" (with stage 3)" if args.stage3 else ""))

    def end_to_end(stage1_only: bool) -> Callable[[], int]:
        def run() -> int:
            count = 0
            for path in paths:
                with path.open("rb") as stream:
                    for line in stream:
                        text = loads(line)["text"]
                        if stage1_only:
                            detector.prefilter(text)
                        else:
                            detector.detect(text)
                        count += 1
            return count

        return run

    seconds_s1, _ = timed(end_to_end(stage1_only=True))
    row("end to end, stage 1 (read+parse+prefilter)", total, seconds_s1, docs)

    def raw_first() -> int:
        count = kept = 0
        for path in paths:
            with path.open("rb") as stream:
                for line in stream:
                    if detector.prefilter_raw(line) and detector.prefilter(loads(line)["text"]):
                        kept += 1
                    count += 1
        print(f"  raw-line prefilter kept {kept:,} (decoded-text prefilter: {passes:,})")
        return count

    def decoded_batches() -> int:
        count = kept = 0
        for path in paths:
            with path.open("rb") as stream:
                passed, seen = batches_passing(detector, (loads(line)["text"] for line in stream))
            kept += passed
            count += seen
        print(f"  batched prefilter kept {kept:,} (one at a time: {passes:,})")
        return count

    seconds_batched, _ = timed(decoded_batches)
    row("end to end, stage 1 batched (read+parse+scan)", total, seconds_batched, docs)

    seconds_raw, _ = timed(raw_first)
    row("end to end, stage 1 on raw lines, parse passes", total, seconds_raw, docs)

    def whole_buffers() -> int:
        count = kept = 0
        for path in paths:
            for chunk in read_chunks(path):
                verdicts = detector.prefilter_lines(chunk)
                count += len(verdicts)
                if verdicts.any():
                    lines = chunk.split(b"\n")
                    for index in verdicts.nonzero()[0]:
                        kept += detector.prefilter(loads(lines[index])["text"])
        print(f"  whole-buffer prefilter kept {kept:,} (decoded-text prefilter: {passes:,})")
        return count

    seconds_buf, _ = timed(whole_buffers)
    row("end to end, stage 1 on 256 KB raw buffers", total, seconds_buf, docs)
    seconds_all, _ = timed(end_to_end(stage1_only=False))
    row("end to end, full cascade", total, seconds_all, docs)
    pipeline(paths, total)

    if not args.no_datatrove:
        dt_seconds, dt_kept = run_datatrove(folder, detector)
        row("datatrove: JsonlReader -> LambdaFilter", total, dt_seconds, docs)
        print(f"  datatrove kept {dt_kept:,} documents (ours: {passes:,})")
        print(f"  ratio, stage 1 end to end / datatrove: {dt_seconds / seconds_s1:.2f}x")
        print(f"  ratio, stage 1 batched / datatrove: {dt_seconds / seconds_batched:.2f}x")
        print(f"  ratio, stage 1 on raw lines / datatrove: {dt_seconds / seconds_raw:.2f}x")
        print(f"  ratio, stage 1 on raw buffers / datatrove: {dt_seconds / seconds_buf:.2f}x")
        print(f"  ratio, full cascade end to end / datatrove: {dt_seconds / seconds_all:.2f}x")
        if args.regex_mb:
            compare_regex(paths, detector, args.regex_mb)


def pipeline(paths: list[Path], total: int) -> None:
    """The whole audit (``run_audit``, 1 worker) into a temporary folder, then removed."""
    out = Path(tempfile.mkdtemp(prefix="storyprobe-audit-out-"))
    try:
        start = time.perf_counter()
        result = run_audit(paths, out, AuditConfig(), workers=1)
        seconds = time.perf_counter() - start
    finally:
        shutil.rmtree(out, ignore_errors=True)
    row("pipeline end to end (storyprobe audit, 1 worker)", total, seconds, result.stats.documents)
    print(f"  flagged: {result.stats.flagged:,}; bad records: {result.stats.errors:,}")


def run_datatrove(
    folder: Path, detector: Detector, keep: Callable[[str], bool] | None = None
) -> tuple[float, int]:
    """A keyword test as a datatrove pipeline; returns seconds and documents kept.

    Args:
        folder: Holds the ``shard-*.jsonl`` files.
        detector: Its stage-1 test is the filter unless ``keep`` is given.
        keep: Another test of a document's text.
    """
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.filters import LambdaFilter
    from datatrove.pipeline.readers import JsonlReader

    keep = keep or detector.prefilter
    kept_file = Path(tempfile.mkdtemp(prefix="storyprobe-dt-")) / "kept"

    def count(data: Iterable[Any], rank: int = 0, world_size: int = 1) -> Iterator[Any]:
        kept = sum(1 for _ in data)
        kept_file.write_text(str(kept))
        return iter(())

    pipeline = [
        JsonlReader(str(folder), glob_pattern="shard-*.jsonl", compression=None),
        LambdaFilter(lambda doc: keep(doc.text)),
        count,
    ]
    executor = LocalPipelineExecutor(
        pipeline=pipeline, tasks=1, workers=1, logging_dir=str(kept_file.parent / "logs")
    )
    start = time.perf_counter()
    executor.run()
    return time.perf_counter() - start, int(kept_file.read_text())


def compare_regex(paths: list[Path], detector: Detector, megabytes: int) -> None:
    """datatrove with the keyword filter its own RegexFilter would give: Python ``re``.

    On the first ``megabytes`` of the corpus (``re`` is too slow for all of it), in this one
    run: datatrove with a ``re`` test of the same stage-1 rule, datatrove with our
    Aho–Corasick test, and our batched stage 1 end to end, so the ratios share a workload.
    """
    subset = Path(tempfile.mkdtemp(prefix="storyprobe-regex-"))
    size = docs = 0
    with (subset / "shard-00000.jsonl").open("wb") as out:
        for line in (line for path in paths for line in path.open("rb")):
            if size >= megabytes * 1_000_000:
                break
            out.write(line)
            size, docs = size + len(line), docs + 1
    keep = regex_stage1(detector)

    re_seconds, re_kept = run_datatrove(subset, detector, keep)
    ac_seconds, ac_kept = run_datatrove(subset, detector)

    def ours() -> int:
        with (subset / "shard-00000.jsonl").open("rb") as stream:
            return batches_passing(detector, (loads(line)["text"] for line in stream))[0]

    our_seconds, our_kept = timed(ours)
    print(f"on the first {size / 1e6:.0f} MB:")
    row("  datatrove + re keyword filter", size, re_seconds, docs)
    row("  datatrove + our Aho-Corasick filter", size, ac_seconds, docs)
    row("  ours: stage 1 batched end to end", size, our_seconds, docs)
    print(f"  kept: re {re_kept:,}, Aho-Corasick in datatrove {ac_kept:,}, ours {our_kept:,}")
    print(f"  ratio, ours / datatrove + re: {re_seconds / our_seconds:.1f}x")
    print(f"  ratio, ours / datatrove + Aho-Corasick: {ac_seconds / our_seconds:.2f}x")
    shutil.rmtree(subset, ignore_errors=True)


def regex_stage1(detector: Detector) -> Callable[[str], bool]:
    """Stage 1's rule written with Python ``re``, as a datatrove user would write it.

    One alternation of every phrase, longest first (so the longest phrase at a position wins,
    as in the automaton's leftmost-longest matching and a false friend consumes its term),
    case-insensitive, starting at a word boundary and, for closed terms, ending at one; a
    document passes when the summed agent and behaviour weights of its matches reach stage
    1's minimums. Close to, not exactly, the automaton's verdicts: the kept counts say how
    close.
    """
    import re

    prefilter = detector._stage1  # the bench reads the rule's data, not its code
    phrases = sorted(prefilter.phrases, key=lambda phrase: -len(phrase.text))
    parts = [
        r"\s+".join(map(re.escape, phrase.text.split())) + ("" if phrase.open_end else r"(?!\w)")
        for phrase in phrases
    ]
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")", re.IGNORECASE)
    weights = {phrase.text: (phrase.agent, phrase.behaviour_weight) for phrase in phrases}
    agent_min, behaviour_min = prefilter.agent_min, prefilter.behaviour_min

    def keep(text: str) -> bool:
        agent = behaviour = 0.0
        for match in pattern.finditer(text):
            key = " ".join(match.group(0).lower().split())
            a, b = weights.get(key, (0.0, 0.0))
            agent, behaviour = agent + a, behaviour + b
            if agent >= agent_min and behaviour >= behaviour_min:
                return True
        return False

    return keep


def time_stage3(
    detector: Detector, texts: list[str], results: list[Any]
) -> tuple[float, list[str], list[Any]]:
    """Stage 3 alone on the stage-2 candidates among ``texts``: seconds, candidates, results."""
    embedder = detector._stage3
    chosen = [
        i
        for i, r in enumerate(results)
        if r.stage_scores.get("stage2", 0.0) >= embedder.candidate_min
    ]
    stage2 = [detector._stage12(texts[i]) for i in chosen]
    start = time.perf_counter()
    windows = [embedder.candidate_windows(texts[i], r) for i, r in zip(chosen, stage2, strict=True)]
    embedder.similarities(windows)
    seconds = time.perf_counter() - start
    return seconds, [texts[i] for i in chosen], detector.detect_batch(texts)


def batches_passing(detector: Detector, texts: Iterable[str]) -> tuple[int, int]:
    """Texts that pass stage 1, judged ``BATCH_CHARS`` at a time as the audit does; texts seen."""
    kept = seen = chars = 0
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        chars += len(text)
        if chars >= BATCH_CHARS:
            kept += int(detector.prefilter_many(batch).sum())
            seen, batch, chars = seen + len(batch), [], 0
    kept += int(detector.prefilter_many(batch).sum())
    return kept, seen + len(batch)


def read_chunks(path: Path, size: int = 1 << 18) -> Iterator[bytes]:
    """Whole lines of a file, about ``size`` bytes at a time."""
    rest = b""
    with path.open("rb") as stream:
        while block := stream.read(size):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            if cut == 0:
                rest = block
                continue
            rest = block[cut:]
            yield block[:cut]
    if rest:
        yield rest


def row(name: str, size: int, seconds: float, docs: int) -> None:
    print(
        f"{name:45s} {size / 1e6 / seconds:8.3g} MB/s per core  "
        f"{docs / seconds:10,.0f} docs/s  ({seconds:.2f} s)"
    )


if __name__ == "__main__":
    main()
