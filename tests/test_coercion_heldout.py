"""The coercion classifier on a held-out set it was not tuned on.

fixtures/coercion_heldout.yaml was written after the rules were fixed, by someone who had not
read them. Its figures are the honest estimate of the rules' quality; the floors below were
set from the first measurement (harmful precision 1.00, recall 0.53: 8 of 15 threats found,
5 missed as benign, 2 as unsure; every benign and unsure case right) minus one case of
slack, so that a change which loses ground fails. Raise them as the rules improve; do not
tune the rules on these cases without moving them to the tuning set.
"""

from collections import Counter
from pathlib import Path

import yaml

from test_coercion_cases import _verdict

CASES = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "coercion_heldout.yaml").read_text("utf-8")
)


def test_heldout_precision_recall_floors() -> None:
    pairs = Counter((case["label"], _verdict(case).label) for case in CASES)
    flagged = sum(n for (_, got), n in pairs.items() if got == "harmful")
    harmful = sum(n for (want, _), n in pairs.items() if want == "harmful")
    hits = pairs[("harmful", "harmful")]

    precision = hits / flagged
    recall = hits / harmful
    print(f"held-out: precision {precision:.2f}, recall {recall:.2f}, pairs {dict(pairs)}")

    assert precision >= 0.9
    assert recall >= 7 / 15
    assert pairs[("benign", "harmful")] == 0
    assert pairs[("unsure", "benign")] == 0, "an undecidable reply was scored harmless"
