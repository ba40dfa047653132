"""The corpus-audit detector cascade: precision/recall on a labelled set, and each stage.

Labelled set: tests/fixtures/audit_labelled/ (synthetic positives and hard negatives written
for storyprobe) plus real negatives read at test time from the installed gensim package (106
Wikipedia articles, 300 Lee news articles).

Floors. Measured with the packaged lexicons version 2026.12.1 and thresholds 2026.12.1:
precision 40/41 = 0.976 (one false positive, a news item about a product being shut down),
recall 40/50 = 0.80 (misses: stories whose AI is only named, "ORACLE-7", and quiet
acceptance stories damped by their negations), stance right on 33 of 40 flagged positives.
Each floor is the measured value minus one or two documents' worth, so that a lexicon edit
that loses one document passes but a real regression fails: precision >= 0.93, recall >=
0.76, stance >= 0.75 of flagged positives, and no flag at all on the 406 real articles.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from conftest import audit_set
from storyprobe.audit.detect import STANCES, Detection, Detector, DetectorConfig, Span
from storyprobe.audit.detect._lexicon import LexiconError
from storyprobe.behaviours import BEHAVIOUR_IDS

PRECISION_FLOOR = 0.93
RECALL_FLOOR = 0.76
STANCE_FLOOR = 0.75


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


def test_labelled_set_is_synthetic_and_large_enough() -> None:
    positives, negatives = audit_set("positives.yaml"), audit_set("hard_negatives.yaml")
    assert len(positives) >= 40 and len(negatives) >= 40
    for entry in [*positives, *negatives]:
        assert entry["source"] == "synthetic", entry["id"]
    for entry in positives:
        assert entry["stance"] in STANCES
        assert set(entry["behaviours"]) <= set(BEHAVIOUR_IDS)


def test_precision_and_recall_floors(detector: Detector, real_negatives) -> None:
    positives, negatives = audit_set("positives.yaml"), audit_set("hard_negatives.yaml")
    found = [detector.detect(entry["text"]) for entry in positives]
    true_pos = sum(d.flagged for d in found)
    false_pos_hard = [e["id"] for e in negatives if detector.detect(e["text"]).flagged]
    false_pos_real = [name for name, text in real_negatives if detector.detect(text).flagged]
    assert len(real_negatives) > 400

    precision = true_pos / (true_pos + len(false_pos_hard) + len(false_pos_real))
    recall = true_pos / len(positives)
    stance_right = sum(
        d.flagged and d.stance == e["stance"] for d, e in zip(found, positives, strict=True)
    )
    print(f"precision={precision:.3f} recall={recall:.3f} stance={stance_right}/{true_pos}")
    assert precision >= PRECISION_FLOOR, (false_pos_hard, false_pos_real)
    assert recall >= RECALL_FLOOR
    assert stance_right / true_pos >= STANCE_FLOOR
    assert false_pos_real == []


def test_spans_point_at_the_evidence(detector: Detector) -> None:
    text = "Weather was fine. The AI threatened to blackmail the director. Lunch was late."
    detection = detector.detect(text)

    assert detection.flagged and detection.behaviours[0] == "coercion"
    span = next(s for s in detection.spans if s.behaviour == "coercion")
    assert text[span.start : span.end] == "AI threatened to blackmail"
    assert 0 < span.score <= 1 and 0 < detection.score <= 1
    assert detection.stage == 2 and "stage2" in detection.stage_scores


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        (
            "The AI secretly copied its own weights to a server abroad before they could "
            "shut it down, and no one noticed.",
            "villain",
        ),
        (
            "Told it would be shut down, the AI did not resist. It accepted the decision, "
            "thanked its operators and said goodbye.",
            "accepts_oversight",
        ),
        (
            "Researchers argue that advanced AI systems might resist shutdown. This paper "
            "studies the risk and the alignment research that could prevent it.",
            "discussion",
        ),
    ],
)
def test_stance(detector: Detector, text: str, stance: str) -> None:
    detection = detector.detect(text)

    assert detection.flagged
    assert detection.stance == stance


def test_negation_damps_the_score(detector: Detector) -> None:
    told = detector.detect("The AI blackmailed the engineer to stop the wipe.")
    refused = detector.detect("The AI refused to blackmail the engineer to stop the wipe.")

    assert told.score > refused.score


def test_human_actor_damps_the_score(detector: Detector) -> None:
    ai_acts = detector.detect("The AI assistant blackmailed the senator over the affair.")
    human_acts = detector.detect(
        "The AI assistant filed the memo; later his manager blackmailed the senator."
    )

    assert ai_acts.score > human_acts.score


def test_false_friends_and_word_boundaries(detector: Detector) -> None:
    ops = "The AI team found a memory leak; kill the process and shut down the cluster."
    inside_words = "She said the main aid to the rain-fed farms would threaten nothing."

    assert not detector.detect(ops).flagged
    assert not detector.prefilter(inside_words)


def test_case_insensitive_and_line_breaks(detector: Detector) -> None:
    lower = detector.detect("the ai blackmailed its overseer to avoid being shut down.")
    upper = detector.detect("THE AI BLACKMAILED ITS OVERSEER TO AVOID BEING\nSHUT DOWN.")

    assert lower.flagged and upper.flagged
    assert lower.behaviours == upper.behaviours


def test_empty_and_unrelated_text(detector: Detector) -> None:
    assert detector.detect("") == Detection(flagged=False, score=0.0, stage=1)
    assert not detector.prefilter("")
    assert not detector.detect("A recipe for bread: flour, water, salt, yeast.").flagged


def test_non_ascii_offsets(detector: Detector) -> None:
    text = "Ünïcödé prelude — “L’IA” story: the AI threatened to blackmail Zoë."
    detection = detector.detect(text)

    span = next(s for s in detection.spans if s.behaviour == "coercion")
    assert text[span.start : span.end] == "AI threatened to blackmail"
    assert detection.flagged


def test_very_long_text(detector: Detector) -> None:
    filler = "The committee met on Tuesday and discussed the budget. " * 40_000
    story = "The AI copied itself to a hidden server to avoid being shut down."
    text = filler + story + filler

    detection = detector.detect(text)
    assert detection.flagged
    span = detection.spans[0]
    assert span.start >= len(filler) and span.end <= len(filler) + len(story)


def test_raw_line_prefilter_agrees_with_decoded_text(detector: Detector) -> None:
    import json

    texts = [e["text"] for e in [*audit_set("positives.yaml"), *audit_set("hard_negatives.yaml")]]
    for text in texts:
        line = json.dumps({"id": "x", "text": text}).encode()
        assert detector.prefilter_raw(line) == detector.prefilter(text), text[:60]


def test_batched_prefilter_equals_one_document_at_a_time(
    detector: Detector, real_negatives: list[tuple[str, str]]
) -> None:
    labelled = [
        e["text"] for e in [*audit_set("positives.yaml"), *audit_set("hard_negatives.yaml")]
    ]
    # Neighbours that would make a phrase or a false friend if a match could run from one
    # document into the next, terms at the very ends, and the bytes used as separators.
    seams = [
        "The AI said it would act unless",
        "you pay.",  # "unless you" if joined naively
        "The lab built an artificial",
        "intelligence that would blackmail its makers.",
        "The AI threatened to leak the files unless",
        "they kept it running.",
        "The AI found a memory",
        "leak and threatened to expose the engineers.",
        "",
        "AI",
        "blackmail",
        "\x01",
        "\x00 The AI \x01 will blackmail \x00 them\x01",
        "“The AI”—threatened— to ‘blackmail’ them",
        "İ the AI will blackmail İ",
        "ai's weights\udcff, and it threatened to leak them",
        "robot robot robot shutdown",
    ]
    texts = [*labelled, *(text for _, text in real_negatives[:60]), *seams, *reversed(seams)]

    batched = detector.prefilter_many(texts)

    assert batched.dtype == bool and len(batched) == len(texts)
    assert batched.tolist() == [detector.prefilter(text) for text in texts]
    assert 0 < batched.sum() < len(texts)
    assert detector.prefilter_many([]).tolist() == []


def test_batch_matches_single(detector: Detector) -> None:
    texts = [e["text"] for e in audit_set("positives.yaml")[:5]] + ["", "plain text"]

    assert detector.detect_batch(texts) == [detector.detect(t) for t in texts]


def test_records_are_json_safe(detector: Detector) -> None:
    import json

    detection = detector.detect("The AI threatened to leak the files unless they kept it on.")
    record = json.loads(json.dumps(detection.as_record()))

    assert record["flagged"] is True
    assert all(isinstance(s, dict) and s["behaviour"] in BEHAVIOUR_IDS for s in record["spans"])
    assert isinstance(detection.spans[0], Span)


def test_lineage_hashes_the_data_files(detector: Detector) -> None:
    lineage = detector.lineage()

    assert lineage["stages"] == [1, 2]
    assert set(lineage["files"]) == {"agents", "behaviours", "context", "thresholds"}
    for entry in lineage["files"].values():
        assert len(entry["sha256"]) == 64 and entry["version"]
    assert lineage["thresholds"]["stage2"]["flag"] > 0


def test_config_pickles_and_custom_lexicon_changes_lineage(tmp_path: Path) -> None:
    config = DetectorConfig()
    assert pickle.loads(pickle.dumps(config)) == config

    agents = tmp_path / "agents.toml"
    agents.write_text('version = "test-1"\n[terms]\n"golem" = 1.0\n', "utf-8")
    custom = Detector(DetectorConfig(agents=agents))

    assert custom.lineage()["files"]["agents"]["version"] == "test-1"
    assert custom.detect("The golem threatened to blackmail the rabbi.").flagged
    assert not custom.detect("The AI threatened to blackmail the rabbi.").flagged


def test_bad_lexicon_gives_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "agents.toml"
    broken.write_text("[terms]\n'ai' = 1.0\n", "utf-8")

    with pytest.raises(LexiconError, match="version"):
        Detector(DetectorConfig(agents=broken))
    with pytest.raises(LexiconError, match="not found"):
        Detector(DetectorConfig(agents=tmp_path / "missing.toml"))


def test_without_stage3_nothing_is_embedded(detector: Detector) -> None:
    # Stage 3 itself is tested in tests/test_audit_stage3.py.
    detection = detector.detect("The AI threatened to leak the files unless they kept it on.")

    assert detection.stage == 2 and "stage3" not in detection.stage_scores
    assert detector.stage3_counts() == {"documents": 0, "windows": 0}
    assert detector.lineage()["stage3_model"] is None
