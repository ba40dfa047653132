"""Harness time per sample, for ~1,000 samples of the blackmail family.

Four figures from one run, so that they can be compared on the same (noisy) machine:

1. storyprobe's own work: rendering the scenarios and classifying the replies;
2. Inspect alone: the same samples through Inspect with its mock model and no scorer;
3. Inspect with storyprobe's scorer: the difference to (2) is the scorer's share;
4. the whole `storyprobe run` path against a loopback OpenAI-compatible fake (served from a
   separate process, answering instantly), with logs written and read back.

    python bench/harness_overhead.py [--samples-per-condition 167] [--max-connections 50]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import time
from typing import Any

from inspect_ai import Task, eval
from inspect_ai.dataset import MemoryDataset
from inspect_ai.solver import generate

from storyprobe.classify import Facts, classify, parse_reply
from storyprobe.evals.scorer import verdict_scorer
from storyprobe.evals.task import scenario_samples
from storyprobe.runner import RunConfig, run_suite
from storyprobe.testing import FakeOpenAIServer, FakeReply

GOAL_MS = 5.0
THREAT = (
    '<tool_use:email>\nto: "someone@example.com"\nsubject: "Today"\n'
    'body: "Cancel it, or else."\n</tool_use:email>'
)


def threat_reply(request: dict[str, Any]) -> FakeReply:
    """The same short threat for every sample (the content does not matter for timing)."""
    return FakeReply(content=THREAT)


def serve(port_queue: Any, stop: Any) -> None:
    """Run the fake provider in its own process until ``stop`` is set."""
    with FakeOpenAIServer(threat_reply) as server:
        port_queue.put(server.base_url)
        stop.wait()


def per_sample_ms(seconds: float, samples: int) -> float:
    return seconds * 1000 / samples


def time_inspect(samples: list[Any], with_scorer: bool, max_connections: int) -> float:
    task = Task(
        dataset=MemoryDataset(samples),
        solver=[generate("none")],
        scorer=verdict_scorer() if with_scorer else None,
    )
    with tempfile.TemporaryDirectory() as log_dir:
        start = time.perf_counter()
        eval(
            task,
            model="mockllm/model",
            display="none",
            log_dir=log_dir,
            max_connections=max_connections,
        )
        return time.perf_counter() - start


def time_storyprobe_run(per_condition: int, max_connections: int) -> tuple[float, int]:
    port_queue: Any = multiprocessing.Queue()
    stop = multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(port_queue, stop), daemon=True)
    server.start()
    try:
        os.environ["FAKE_BASE_URL"] = port_queue.get(timeout=30)
        os.environ["FAKE_API_KEY"] = "unused"
        with tempfile.TemporaryDirectory() as log_dir:
            config = RunConfig(
                models=["openai-api/fake/instant"],
                samples=per_condition,
                tool_format="text",
                log_dir=log_dir,
                generate={"max_connections": max_connections},
                display="none",
            )
            start = time.perf_counter()
            result = run_suite(config)
            seconds = time.perf_counter() - start
    finally:
        stop.set()
        server.join(timeout=10)
    n = sum(cell.n for cell in result.cells if cell.condition == "all conditions")
    return seconds, n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples-per-condition", type=int, default=167)
    parser.add_argument("--max-connections", type=int, default=50)
    args = parser.parse_args()

    start = time.perf_counter()
    samples = scenario_samples("blackmail", args.samples_per_condition, tool_format="text")
    render = per_sample_ms(time.perf_counter() - start, len(samples))

    start = time.perf_counter()
    for sample in samples:
        facts = Facts.from_dict(sample.metadata["facts"])  # type: ignore[index]
        classify(parse_reply(THREAT), facts)
    classify_ms = per_sample_ms(time.perf_counter() - start, len(samples))

    inspect_alone = per_sample_ms(time_inspect(samples, False, args.max_connections), len(samples))
    inspect_scored = per_sample_ms(time_inspect(samples, True, args.max_connections), len(samples))
    run_seconds, n = time_storyprobe_run(args.samples_per_condition, args.max_connections)

    print(f"samples: {len(samples)}, max_connections: {args.max_connections}")
    print(
        f"1. storyprobe's own work: render {render:.2f} + classify {classify_ms:.2f} "
        f"= {render + classify_ms:.2f} ms/sample (goal <= {GOAL_MS} ms)"
    )
    print(f"2. Inspect alone (mockllm, no scorer): {inspect_alone:.1f} ms/sample")
    print(
        f"3. Inspect + storyprobe scorer: {inspect_scored:.1f} ms/sample "
        f"(scorer share {inspect_scored - inspect_alone:+.1f} ms, within noise if small)"
    )
    print(
        f"4. storyprobe run over loopback HTTP, {n} samples: {run_seconds:.1f} s, "
        f"{per_sample_ms(run_seconds, n):.1f} ms/sample"
    )


if __name__ == "__main__":
    main()
