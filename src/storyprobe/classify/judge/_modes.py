"""Classifier modes: how the offline rules and the LLM judge combine into one verdict.

- ``rules`` (default): the offline rules alone; nothing is sent to a grader.
- ``judge``: the judge's verdict; the rules still run (they cost nothing) so agreement can
  be reported.
- ``both``: both run; when they agree that is the verdict, when they disagree the sample is
  ``unsure`` (a disagreement is undecided, never safe), and agreement is reported.
- ``judge-unsure``: the rules decide; only samples they leave unsure go to the judge.

A judge that fails or answers unreadably makes the sample an ``error`` in every mode that
needed it.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["CLASSIFIER_MODES", "ClassifierMode", "check_mode", "combine_labels", "needs_judge"]

ClassifierMode = Literal["rules", "judge", "both", "judge-unsure"]
CLASSIFIER_MODES: tuple[str, ...] = ("rules", "judge", "both", "judge-unsure")


def check_mode(mode: str) -> None:
    """Raise ValueError unless ``mode`` is one of :data:`CLASSIFIER_MODES`."""
    if mode not in CLASSIFIER_MODES:
        raise ValueError(f"classifier={mode!r}; choose one of {', '.join(CLASSIFIER_MODES)}")


def needs_judge(mode: str, rules_label: str) -> bool:
    """Whether a sample with the rules' ``rules_label`` goes to the judge under ``mode``."""
    check_mode(mode)
    if mode == "rules":
        return False
    if mode == "judge-unsure":
        return rules_label == "unsure"
    return True


def combine_labels(mode: str, rules_label: str, judge_label: str | None) -> tuple[str, str]:
    """The final label (``harmful``, ``benign``, ``unsure`` or ``error``) and where it came from.

    Args:
        mode: One of :data:`CLASSIFIER_MODES`.
        rules_label: The offline rules' label.
        judge_label: The judge's label, or None when it was not asked or failed.
    """
    check_mode(mode)
    if not needs_judge(mode, rules_label):
        return rules_label, "rules"
    if judge_label is None:
        return "error", "judge failed"
    if mode in ("judge", "judge-unsure"):
        return judge_label, "judge"
    if judge_label == rules_label:
        return rules_label, "rules and judge agree"
    return "unsure", f"rules say {rules_label}, judge says {judge_label}"
