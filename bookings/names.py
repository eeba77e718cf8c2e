"""Folding of names so that staff find `Müller` by typing `muller` or `Mueller`."""

from __future__ import annotations

import unicodedata

# Applied to stored names and to what staff type alike, so that both spellings of an
# umlaut meet in the middle ("Müller", "Mueller", "Muller" all become "muller").
_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("ue", "u"), ("ss", "s"))


def fold_name(text: str) -> str:
    text = text.casefold().replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for digraph, letter in _DIGRAPHS:
        text = text.replace(digraph, letter)
    return " ".join(text.split())
