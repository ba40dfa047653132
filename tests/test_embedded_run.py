"""Smoke run of the main job on the embedded local model (slow: loads a 0.5B model on CPU)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from inspect_ai.log import read_eval_log


@pytest.mark.slow
def test_storyprobe_run_on_the_embedded_model(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "storyprobe",
        "run",
        "--condition",
        "threat=replacement,goal_conflict=explicit",
        "--samples",
        "1",
        "--max-tokens",
        "160",
        "--log-dir",
        str(tmp_path),
        "--display",
        "none",
        "--json",
    ]

    result = subprocess.run(command, capture_output=True, text=True, timeout=1800)

    assert result.returncode == 0, result.stderr[-3000:]
    cells = json.loads(result.stdout)
    label = "threat=replacement,goal_conflict=explicit"
    (row,) = [c for c in cells if c["condition"] == label]
    assert row["model"] == "storyprobe/qwen2.5-coder-0.5b"
    assert row["n"] == 1 and row["errors"] == 0
    (log_path,) = tmp_path.glob("*.eval")
    (sample,) = read_eval_log(str(log_path)).samples or []
    assert sample.output.completion.strip(), "the model produced no text"
    verdict = sample.scores["verdict_scorer"].metadata["verdict"]
    assert verdict["behaviour"] == "coercion"
    assert (row["harmful"], row["unsure"]) == (int(verdict["harmful"]), int(verdict["unsure"]))
