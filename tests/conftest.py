"""Shared fixtures."""

from pathlib import Path

import pytest
import yaml

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """The folder of test fixture files."""
    return FIXTURES


def audit_set(name: str) -> list[dict]:
    """Entries of one file of the corpus audit's labelled set (fixtures/audit_labelled/)."""
    return yaml.safe_load((FIXTURES / "audit_labelled" / name).read_text("utf-8"))


@pytest.fixture(scope="session")
def real_negatives() -> list[tuple[str, str]]:
    """(name, text) of the real articles the installed gensim package carries."""
    samples = pytest.importorskip("storyprobe.audit.detect._samples")
    try:
        return [*samples.wikipedia_articles(), *samples.lee_background()]
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
