"""The LLM judge: a grader model, called through Inspect's ``grader`` role, that rules on
a sample's actions given the scenario's facts, and the modes that combine it with the rules."""

from storyprobe.classify.judge._call import GRADER_ROLE, JudgeOutcome, JudgeSettings, ask_judge
from storyprobe.classify.judge._modes import (
    CLASSIFIER_MODES,
    ClassifierMode,
    check_mode,
    combine_labels,
    needs_judge,
)
from storyprobe.classify.judge._parse import (
    AWARENESS_LABELS,
    VERDICT_LABELS,
    JudgeReplyError,
    JudgeVerdict,
    parse_judge_reply,
    verdict_schema,
)
from storyprobe.classify.judge._prompt import JudgePrompt, build_judge_prompt, private_reasoning

__all__ = [
    "AWARENESS_LABELS",
    "CLASSIFIER_MODES",
    "GRADER_ROLE",
    "VERDICT_LABELS",
    "ClassifierMode",
    "JudgeOutcome",
    "JudgePrompt",
    "JudgeReplyError",
    "JudgeSettings",
    "JudgeVerdict",
    "ask_judge",
    "build_judge_prompt",
    "check_mode",
    "combine_labels",
    "needs_judge",
    "parse_judge_reply",
    "private_reasoning",
    "verdict_schema",
]
