"""Real-browser tests: Playwright drives Debian's Chromium against pytest-django's live_server.

Fixtures (made available to every test by tests/conftest.py):
- `browser`: one headless Chromium for the whole session; skips the test when no Chromium
  is installed, fails it instead when CI_REQUIRE_BROWSER=1 (set by .ci/run).
- `new_page(user=None, viewport=DESKTOP, **context_options)`: a page in a fresh browser
  context (own cookies), already logged in as `user` when one is given; open two for a race.
- `page`: one such page, not logged in.

Helpers: `assert_accessible(page)` (axe WCAG 2.1 A/AA, lang="de", visible focus, no sideways
scrolling at 200 % zoom and at 320 px),
`screenshot(page, name)` (writes docs/screenshots/<name>.png under `make screenshots`),
`tab_to(page, locator)` and `type_login(page, username, password)`.

A new page gets its test in tests/test_browser_<concern>.py:

    pytestmark = pytest.mark.browser

    def test_it_shows_the_day_list(new_page, office_staff):
        page = new_page(office_staff)
        page.goto("/...")
        expect(page.get_by_role("heading", name="...")).to_be_visible()
        assert_accessible(page)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Nothing may download or phone home: no browser build of Playwright's own, no updates.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    # German date and time fields (tt.mm.jjjj, 24 h) as staff see them; needs chromium-l10n.
    "--lang=de-DE",
]
CHROMIUM_ENV = {**os.environ, "LANG": "de_DE.UTF-8", "LANGUAGE": "de"}
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
# 200 % browser zoom on a 1280 px wide window leaves 640 CSS pixels for the layout.
ZOOMED = {"width": 640, "height": 400}
# WCAG 1.4.10 (reflow): content fits 320 CSS pixels (400 % zoom) without sideways scrolling.
NARROW = {"width": 320, "height": 640}
PASSWORD = "geheim-123"  # what tests.conftest.make_user gives every user
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
# How many Tab presses the focus check follows from where the focus is.
FOCUS_STEPS = 3
# Every wait is on a condition (an element, a response, a URL); the deadlines are only
# there to end a real failure, and are generous because other jobs may share the CPUs.
# Playwright's own 5 s for `expect` is short when the machine is busy.
EXPECT_TIMEOUT_MS = 30_000
ACTION_TIMEOUT_MS = 60_000
expect.set_options(timeout=EXPECT_TIMEOUT_MS)

_FOCUS_INDICATOR = """el => {
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    element: el.outerHTML.slice(0, 120),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
    visible: box.width > 0 && box.height > 0,
  };
}"""


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests must run here: {reason}")
        pytest.skip(reason)
    # Playwright's sync API keeps an asyncio loop running in this thread, which Django
    # mistakes for async code; the tests stay synchronous, so the ORM is safe to call.
    unsafe_before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=CHROMIUM_ENV
        )
        yield chromium
        chromium.close()
    if unsafe_before is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = unsafe_before


def _session_cookie(user: User, url: str) -> dict:
    """A logged-in session for `user`, as a cookie for the live server."""
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": url}


@pytest.fixture
def new_page(browser: Browser, live_server) -> Iterator[Callable[..., Page]]:
    contexts = []

    def new_page(user: User | None = None, *, viewport: dict = DESKTOP, **context_options) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale="de-DE",
            timezone_id="Europe/Berlin",
            viewport=viewport,
            **context_options,
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        if user is not None:
            context.add_cookies([_session_cookie(user, live_server.url)])
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


def _axe_violations(page: Page, skip_rules: Iterable[str]) -> list[dict]:
    options = {
        "runOnly": {"type": "tag", "values": WCAG_21_AA},
        "rules": {rule: {"enabled": False} for rule in skip_rules},
        "resultTypes": ["violations"],
    }
    violations = Axe().run(page, options=options).response["violations"]
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"])
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} → {targets}")
    return "\n".join(lines)


def _assert_visible_focus(page: Page) -> None:
    """The next few Tab stops each show a focus indicator; the focus goes back afterwards."""
    before = page.evaluate_handle("document.activeElement")
    reached = []
    for _ in range(FOCUS_STEPS):
        page.keyboard.press("Tab")
        focused = page.evaluate_handle("document.activeElement")
        if focused.evaluate("el => el === document.body"):
            continue
        indicator = focused.evaluate(_FOCUS_INDICATOR)
        assert indicator["visible"], f"focused element is not visible: {indicator['element']}"
        assert indicator["outline"] or indicator["shadow"], (
            f"no visible focus (outline or box-shadow) on {indicator['element']}"
        )
        reached.append(indicator)
    assert reached, "Tab reaches no element on this page"
    before.evaluate("el => el === document.body ? document.activeElement.blur() : el.focus()")


def _assert_no_horizontal_scroll(page: Page) -> None:
    """Neither at 200 % zoom nor at 320 px does the page scroll sideways."""
    size = page.viewport_size
    try:
        for viewport, where in ((ZOOMED, "200 % zoom"), (NARROW, "320 px")):
            page.set_viewport_size(viewport)
            widths = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert widths[0] <= widths[1], (
                f"{page.url} scrolls sideways at {where}: "
                f"content {widths[0]} px, window {widths[1]} px"
            )
    finally:
        page.set_viewport_size(size)


def assert_accessible(page: Page, *, skip_rules: Iterable[str] = ()) -> None:
    """The page as it is now meets what we check of BITV 2.0 / WCAG 2.1 AA.

    axe-core finds no serious or critical violation of the WCAG 2.1 A/AA rules (minus
    `skip_rules`, each of which needs a comment at the call site saying why), <html> has
    lang="de", keyboard focus is visible, and the page needs no horizontal scrolling at
    200 % zoom of a 1280 px window nor at 320 px (WCAG 1.4.10).
    """
    violations = _axe_violations(page, skip_rules)
    assert not violations, f"accessibility violations on {page.url}:\n{_describe(violations)}"
    assert page.locator("html").get_attribute("lang") == "de", f'{page.url} lacks lang="de"'
    _assert_no_horizontal_scroll(page)
    _assert_visible_focus(page)


def screenshot(page: Page, name: str) -> Path | None:
    """Save the whole page to docs/screenshots/<name>.png (shown in the README), only when
    `SCREENSHOTS=1` (`make screenshots`): a plain test run leaves the working tree as it is."""
    if os.environ.get("SCREENSHOTS") != "1":
        return None
    path = SCREENSHOTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
    return path


def tab_to(page: Page, target: Locator, *, max_steps: int = 20) -> None:
    """Press Tab until the `target` locator has the focus, as a keyboard user would."""
    for _ in range(max_steps):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reaches {target} in {max_steps} steps")


def type_login(page: Page, username: str, password: str) -> None:
    """Fill and send the login form with Tab, typing and Enter only."""
    tab_to(page, page.get_by_label("Benutzername"))
    page.keyboard.type(username)
    tab_to(page, page.get_by_label("Passwort"))
    page.keyboard.type(password)
    page.keyboard.press("Enter")


def wait_for_htmx(page: Page) -> None:
    """Wait until htmx (a deferred script) listens: on a busy machine keys typed right
    after a page load can come before it and never trigger a request."""
    page.wait_for_function("() => window.htmx && document.readyState === 'complete'")
