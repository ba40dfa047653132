"""Whitespace-word counts for a batch of documents, on their UTF-8 bytes, with numpy.

``tokens`` in an attribute record is ``len(text.split())``: the number of maximal runs of
characters that are not whitespace in Python's sense (``str.isspace``). Calling ``split`` on
every document builds a list of every word and took about a quarter of the audit's time;
:func:`word_counts` gives the same numbers from one pass over the batch's bytes:

1. the documents' UTF-8 bytes are joined with ``\\n`` (whitespace, so words never merge);
2. a byte table marks the ASCII whitespace of ``str.split`` (``\\t \\n \\v \\f \\r``, the
   separators ``\\x1c``–``\\x1f`` and space — ``bytes.split`` would miss the separators);
3. the multi-byte whitespace characters (:data:`WIDE_SPACES`: U+0085, U+00A0, U+1680,
   U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) are marked on all their bytes,
   found from their lead bytes only where the batch contains such a lead byte;
4. a word starts where a non-space byte follows a space byte; starts are summed per document.

The count equals ``len(text.split())`` for every string whose UTF-8 bytes are well formed
(lone surrogates included, encoded with ``surrogatepass``): no byte of a multi-byte character
is ever ASCII, so runs of non-space bytes are runs of non-space characters. The test
``tests/test_audit_speed_paths.py`` checks this against ``str.split`` for every whitespace
character Python knows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["ASCII_SPACES", "WIDE_SPACES", "word_counts"]

ASCII_SPACES = b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "
"""The ASCII characters ``str.split()`` splits on."""

WIDE_SPACES = (
    "\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
"""The non-ASCII characters ``str.split()`` splits on (every ``c`` with ``c.isspace()``)."""

# 0 for a whitespace byte, 1 for any other byte: ``buffer.translate`` gives the mask in C.
_NOT_SPACE = bytes(0 if byte in ASCII_SPACES else 1 for byte in range(256))
_E2_80_SPACES = np.array([*range(0x80, 0x8B), 0xA8, 0xA9, 0xAF], dtype=np.uint8)


def word_counts(blobs: Sequence[bytes]) -> np.ndarray:
    """``len(text.split())`` for each text, given the texts' UTF-8 bytes.

    Args:
        blobs: Each document's text encoded as UTF-8 (``surrogatepass`` for lone surrogates).

    Returns:
        One int64 count per blob, in order.
    """
    if not blobs:
        return np.zeros(0, dtype=np.int64)
    buffer = b"\n".join(blobs)
    word = np.frombuffer(buffer.translate(_NOT_SPACE), dtype=np.uint8)
    if any(lead in buffer for lead in (b"\xc2", b"\xe1", b"\xe2", b"\xe3")):
        word = word.copy()
        _mark_wide_spaces(np.frombuffer(buffer, dtype=np.uint8), word)

    starts = np.zeros(len(word) + 1, dtype=np.uint8)  # one spare slot: offsets may equal len
    if len(word):
        starts[0] = word[0]
        np.greater(word[1:], word[:-1], out=starts[1:-1])

    lengths = np.fromiter(map(len, blobs), dtype=np.int64, count=len(blobs))
    offsets = np.zeros(len(blobs), dtype=np.int64)
    np.cumsum(lengths[:-1] + 1, out=offsets[1:])
    counts = np.add.reduceat(starts, offsets, dtype=np.int64)
    counts[lengths == 0] = 0  # reduceat gives the element at an empty segment's offset
    return counts


def _mark_wide_spaces(raw: np.ndarray, word: np.ndarray) -> None:
    """Set ``word`` to 0 on every byte of each multi-byte whitespace character in ``raw``."""
    size = len(raw)
    lead = np.flatnonzero(raw[: size - 1] == 0xC2)
    if len(lead):
        second = raw[lead + 1]
        lead = lead[(second == 0x85) | (second == 0xA0)]
        word[lead] = word[lead + 1] = 0

    for first in (0xE1, 0xE2, 0xE3):
        lead = np.flatnonzero(raw[: max(size - 2, 0)] == first)
        if not len(lead):
            continue
        second, third = raw[lead + 1], raw[lead + 2]
        if first == 0xE1:  # U+1680
            hit = (second == 0x9A) & (third == 0x80)
        elif first == 0xE3:  # U+3000
            hit = (second == 0x80) & (third == 0x80)
        else:  # U+2000-U+200A, U+2028, U+2029, U+202F; U+205F
            hit = (second == 0x80) & np.isin(third, _E2_80_SPACES)
            hit |= (second == 0x81) & (third == 0x9F)
        lead = lead[hit]
        word[lead] = word[lead + 1] = word[lead + 2] = 0
