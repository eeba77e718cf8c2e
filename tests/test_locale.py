"""locale/de is complete and compiled: every text in the catalogue reaches the .mo file."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "de" / "LC_MESSAGES"


def _po_entries() -> list[tuple[str, str]]:
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = re.findall(r'^msgid (".*")\nmsgstr (".*")$', text, flags=re.MULTILINE)
    return [(ast.literal_eval(i), ast.literal_eval(s)) for i, s in entries if i != '""']


def test_every_entry_is_translated_and_none_is_fuzzy():
    entries = _po_entries()
    assert len(entries) > 100
    # German is the source language: a differing msgstr is a stale fuzzy guess.
    assert not [msgid for msgid, msgstr in entries if msgstr != msgid]
    assert "#, fuzzy" not in (LOCALE / "django.po").read_text(encoding="utf-8")


def test_the_compiled_catalogue_holds_every_entry():
    with (LOCALE / "django.mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    missing = [msgid for msgid, msgstr in _po_entries() if catalogue.gettext(msgid) != msgstr]
    assert not missing
