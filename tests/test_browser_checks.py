"""assert_accessible itself: each of its checks catches what it is meant to catch."""

from __future__ import annotations

import re

import pytest

from tests.browser import assert_accessible

pytestmark = pytest.mark.browser

PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><title>Prüfseite</title><style>{style}</style></head>
<body><main><h1>Prüfseite</h1><p><a href="#weiter">Weiter</a></p>{extra}</main></body></html>"""


def show(page, *, lang: str = "de", style: str = "", extra: str = "") -> None:
    page.set_content(PAGE.format(lang=lang, style=style, extra=extra))


def test_it_passes_a_plain_german_page(page):
    show(page)
    assert_accessible(page)


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        ({"extra": '<img src="data:,">'}, "image-alt (critical)"),
        ({"style": "a { color: #bbb; }"}, "color-contrast (serious)"),
        ({"lang": "en"}, 'lacks lang="de"'),
        ({"style": "a:focus { outline: none; }"}, "no visible focus"),
        ({"extra": '<div style="width: 900px">Breit</div>'}, "scrolls sideways at 200 % zoom"),
        ({"extra": '<div style="width: 400px">Schmal</div>'}, "scrolls sideways at 320 px"),
    ],
)
def test_it_fails_a_page_with_a_barrier(page, problem, message):
    show(page, **problem)

    with pytest.raises(AssertionError, match=re.escape(message)):
        assert_accessible(page)


def test_it_skips_only_the_rules_it_is_told_to(page):
    show(page, extra='<img src="data:,">')
    assert_accessible(page, skip_rules=["image-alt"])
