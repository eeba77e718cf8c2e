"""The catalogues are complete and compiled: locale/de takes every German text as it is,
locale/en translates every one of them, and every text in a catalogue reaches its .mo file."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent / "locale"
GERMAN = ROOT / "de" / "LC_MESSAGES"
ENGLISH = ROOT / "en" / "LC_MESSAGES"


@dataclass(frozen=True)
class Entry:
    context: str | None
    msgid: str
    plural: str | None
    msgstrs: tuple[str, ...]
    fuzzy: bool

    @property
    def sources(self) -> tuple[str, ...]:
        """The German texts the msgstrs translate: singular, then plural if there is one."""
        return (self.msgid, self.plural) if self.plural else (self.msgid,)


def _entries(locale: Path) -> list[Entry]:
    """Every entry of the catalogue but its header, multi-line and plural entries included."""
    text = (locale / "django.po").read_text(encoding="utf-8")
    entries = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            if line.startswith('"'):
                fields[key] += ast.literal_eval(line)
            elif not line.startswith("#"):
                key, _, value = line.partition(" ")
                fields[key] = ast.literal_eval(value)
        if fields.get("msgid"):
            msgstrs = [v for k, v in fields.items() if k.startswith("msgstr")]
            fuzzy = bool(re.search(r"^#,.*\bfuzzy\b", block, flags=re.MULTILINE))
            context, plural = fields.get("msgctxt"), fields.get("msgid_plural")
            entries.append(Entry(context, fields["msgid"], plural, tuple(msgstrs), fuzzy))
    return entries


def _compiled(locale: Path) -> gettext.GNUTranslations:
    with (locale / "django.mo").open("rb") as mo:
        return gettext.GNUTranslations(mo)


def test_every_german_entry_is_the_text_itself_and_none_is_fuzzy():
    entries = _entries(GERMAN)
    assert len(entries) > 100
    # German is the source language: a differing msgstr is a stale fuzzy guess.
    assert not [e.msgid for e in entries if e.msgstrs != e.sources]
    assert not [e.msgid for e in entries if e.fuzzy]


def test_every_english_entry_is_translated_and_none_is_fuzzy():
    entries = _entries(ENGLISH)
    assert not [e.msgid for e in entries if not all(e.msgstrs)]
    assert not [e.msgid for e in entries if e.fuzzy]
    assert "#, fuzzy" not in (ENGLISH / "django.po").read_text(encoding="utf-8")


def test_the_english_catalogue_holds_the_same_texts_as_the_german_one():
    def keys(locale):
        return {(e.context, e.msgid, e.plural) for e in _entries(locale)}

    assert keys(ENGLISH) == keys(GERMAN)


def test_english_keeps_every_placeholder():
    placeholder = re.compile(r"%\(\w+\)[sd]")
    changed = [
        e.msgid
        for e in _entries(ENGLISH)
        for source, msgstr in zip(e.sources, e.msgstrs, strict=True)
        if sorted(placeholder.findall(msgstr)) != sorted(placeholder.findall(source))
    ]
    assert not changed


@pytest.mark.parametrize("locale", [GERMAN, ENGLISH], ids=["de", "en"])
def test_the_compiled_catalogue_holds_every_entry(locale):
    catalogue = _compiled(locale)
    missing = []
    for e in _entries(locale):
        if e.plural:
            got = tuple(catalogue.ngettext(e.msgid, e.plural, n) for n in (1, 2))
        elif e.context:
            got = (catalogue.pgettext(e.context, e.msgid),)
        else:
            got = (catalogue.gettext(e.msgid),)
        if got != e.msgstrs:
            missing.append(e.msgid)
    assert not missing


@pytest.mark.django_db
def test_it_shows_the_login_page_in_german_by_default(client):
    page = client.get("/anmelden/").content.decode()
    assert '<html lang="de">' in page
    assert "<h1>Anmelden</h1>" in page


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["cookie", "accept-language"])
def test_it_shows_the_login_page_in_english_when_asked(client, how):
    if how == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        headers = {}
    else:
        headers = {"Accept-Language": "en-GB,en;q=0.9"}
    page = client.get("/anmelden/", headers=headers).content.decode()
    assert '<html lang="en">' in page
    assert "<h1>Log in</h1>" in page
    assert "Anmelden" not in page


@pytest.mark.django_db
def test_it_switches_the_language_with_the_form_in_the_header(client):
    page = client.get("/anmelden/").content.decode()
    assert 'action="/i18n/setlang/"' in page
    assert '<label for="language-switch"' in page

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/anmelden/"})
    assert response.status_code == 302 and response.url == "/anmelden/"
    assert "<h1>Log in</h1>" in client.get("/anmelden/").content.decode()

    # An unknown language is refused: the page stays English, not broken.
    client.post("/i18n/setlang/", {"language": "xx", "next": "/anmelden/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
