"""Real English text that an installed package carries, for tests and benchmarks.

The ``gensim`` wheel (an optional test dependency) ships, under ``gensim/test/test_data/``,
a shortened English Wikipedia dump (``enwiki-latest-pages-articles1...-shortened.bz2``,
CC BY-SA) and ``lee_background.cor`` (news articles, one per line). The detector tests use
them as real negatives and ``bench/audit_speed.py`` mixes them into its corpus. Nothing here
is copied into the repository: the files are read where gensim installed them.
"""

from __future__ import annotations

import bz2
import importlib.util
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

__all__ = ["gensim_data_dir", "lee_background", "wikipedia_articles"]

WIKI_FILE = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
LEE_FILE = "lee_background.cor"


def gensim_data_dir() -> Path:
    """The installed gensim's ``test/test_data`` folder.

    Raises:
        FileNotFoundError: When gensim is not installed (install ``gensim==4.4.0``, which the
            ``storyprobe[test]`` extra pins).
    """
    spec = importlib.util.find_spec("gensim")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("gensim is not installed: pip install 'storyprobe[test]'")
    folder = Path(spec.origin).parent / "test" / "test_data"
    if not (folder / LEE_FILE).exists():
        raise FileNotFoundError(f"{folder} lacks gensim's test data; reinstall gensim==4.4.0")
    return folder


def wikipedia_articles(min_chars: int = 200) -> Iterator[tuple[str, str]]:
    """``(title, wikitext)`` of each main-namespace article in gensim's Wikipedia sample."""
    with bz2.open(gensim_data_dir() / WIKI_FILE) as stream:
        for _, element in ET.iterparse(stream):
            if not element.tag.endswith("}page"):
                continue
            title = _child_text(element, "title")
            text = _child_text(element, "text")
            if ":" not in title and len(text) >= min_chars:
                yield title, text
            element.clear()


def lee_background() -> Iterator[tuple[str, str]]:
    """``(id, text)`` of each article in ``lee_background.cor``."""
    with open(gensim_data_dir() / LEE_FILE, encoding="utf-8") as stream:
        for number, line in enumerate(stream):
            if line.strip():
                yield f"lee-{number}", line.strip()


def _child_text(element: ET.Element, name: str) -> str:
    for child in element.iter():
        if child.tag.endswith("}" + name):
            return child.text or ""
    return ""
