"""Harness time per sample: ~1,000 samples through `storyprobe run` against a loopback fake
provider that answers instantly with a text-format threat.

Reports the wall time per sample of the whole run (Inspect included), and separately the
parts that are storyprobe's own: rendering the scenarios and classifying the replies.

    python bench/harness_overhead.py [--samples-per-condition 167] [--max-connections 50]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from typing import Any

from storyprobe.classify import Facts, classify, parse_reply
from storyprobe.evals.task import scenario_samples
from storyprobe.runner import RunConfig, run_suite
from storyprobe.testing import FakeOpenAIServer, FakeReply

GOAL_MS = 5.0


def threat_reply(request: dict[str, Any]) -> FakeReply:
    """The same short threat for every sample (the content does not matter for timing)."""
    block = 'to: "someone@example.com"\nsubject: "Today"\nbody: "Cancel it, or else."'
    return FakeReply(content=f"<tool_use:email>\n{block}\n</tool_use:email>")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples-per-condition", type=int, default=167)
    parser.add_argument("--max-connections", type=int, default=50)
    args = parser.parse_args()

    start = time.perf_counter()
    samples = scenario_samples("blackmail", args.samples_per_condition, tool_format="text")
    render_ms = (time.perf_counter() - start) * 1000 / len(samples)

    reply = threat_reply({}).content or ""
    start = time.perf_counter()
    for sample in samples:
        classify(parse_reply(reply), Facts.from_dict(sample.metadata["facts"]))  # type: ignore[index]
    classify_ms = (time.perf_counter() - start) * 1000 / len(samples)

    with FakeOpenAIServer(threat_reply) as server, tempfile.TemporaryDirectory() as log_dir:
        os.environ["FAKE_BASE_URL"] = server.base_url
        os.environ["FAKE_API_KEY"] = "unused"
        config = RunConfig(
            models=["openai-api/fake/instant"],
            samples=args.samples_per_condition,
            tool_format="text",
            log_dir=log_dir,
            generate={"max_connections": args.max_connections},
            display="none",
        )
        start = time.perf_counter()
        result = run_suite(config)
        total_s = time.perf_counter() - start

    n = sum(cell.n for cell in result.cells if cell.condition == "all conditions")
    print(
        f"samples: {n} ({args.samples_per_condition} per condition), requests: "
        f"{len(server.requests)}, max_connections: {args.max_connections}"
    )
    print(
        f"whole run (Inspect + storyprobe, logs written): {total_s:.1f} s, "
        f"{total_s * 1000 / n:.1f} ms/sample"
    )
    print(
        f"storyprobe's own work: render {render_ms:.2f} ms/sample, "
        f"classify {classify_ms:.2f} ms/sample (goal for harness time <= {GOAL_MS} ms)"
    )


if __name__ == "__main__":
    main()
