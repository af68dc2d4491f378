"""The dashboard in headless Chromium: network, zones, date slider, evidence, live feed, escaping."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.api.support import AGREEMENT, AUTH, HOSTILE_MARKUP, Server, article

WAIT_MS = 30_000


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh page on the dashboard, failing the test on any script error."""
    context = browser.new_context(viewport={"width": 1500, "height": 950})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.goto(server.url + "/")
    expect(opened.locator("body")).to_have_attribute("data-loaded", "live", timeout=WAIT_MS)
    expect(opened.locator("body")).to_have_attribute("data-stream", "open", timeout=WAIT_MS)
    yield opened
    context.close()
    assert errors == []


def slide_to(page: Page, day: dt.date | None) -> None:
    """Move the date slider to ``day`` (``None``: its live end) and wait for the state it shows."""
    value = "el.max" if day is None else str((day - dt.date(1970, 1, 1)).days)
    page.eval_on_selector(
        "#date",
        f"el => {{ el.value = {value}; el.dispatchEvent(new Event('input')); "
        "el.dispatchEvent(new Event('change')); }",
    )
    expect(page.locator("body")).to_have_attribute("data-loaded", "live" if day is None else day.isoformat())


def post(server: Server, *articles: dict[str, object]) -> None:
    response = httpx.post(f"{server.url}/articles", json=list(articles), headers=AUTH, timeout=30)
    assert response.status_code == 202, response.text


def test_the_dashboard_shows_the_state_its_history_and_live_changes(
    page: Page, server: Server, tmp_path: Path
) -> None:
    edge, zone = page.locator('line[data-key="RUS|TUR"]'), page.locator('tr[data-zone="IDLIB"]')
    expect(edge).to_have_count(1)
    expect(edge).to_have_attribute("data-stance", re.compile("^(allied|cooperative|neutral|tense|hostile)$"))
    expect(edge).to_have_class(re.compile(r"\bstance-"))
    expect(zone).to_contain_text("de-escalation")
    expect(zone).to_contain_text("TUR")
    expect(page.locator('line[data-key="ISIS|SDF"]')).to_have_count(1)
    expect(page.locator('tr[data-zone="HOMS"]')).to_have_count(1)
    page.screenshot(path=tmp_path / "dashboard-live.png")

    edge.dispatch_event("click")
    expect(page.locator("#details-title")).to_have_text("RUS–TUR")
    facts = page.locator("#evidence li.fact")
    expect(facts.first).to_be_visible()
    expect(facts.first.locator(".sentence")).not_to_be_empty()
    assert facts.first.locator("a.article-link").get_attribute("href").startswith("/articles/")
    facts.first.locator("a.article-link").click()
    expect(page.locator("#article-text")).not_to_be_empty()
    zone.click()
    expect(page.locator("#details-title")).to_have_text("IDLIB")
    expect(page.locator("#evidence li.fact").first).to_contain_text("IDLIB")
    page.screenshot(path=tmp_path / "dashboard-evidence.png")

    slide_to(page, dt.date(2017, 12, 31))
    expect(page.locator("#date-label")).to_have_text("2017-12-31")
    expect(page.locator('line[data-key="ISIS|SDF"]')).to_have_count(0)  # first reported in 2018
    expect(page.locator('tr[data-zone="HOMS"]')).to_have_count(0)
    expect(page.locator('line[data-key="RUS|TUR"]')).to_have_count(1)
    expect(page.locator('tr[data-zone="IDLIB"]')).to_have_count(1)
    page.screenshot(path=tmp_path / "dashboard-2017-12-31.png")

    feed = page.locator("#feed li")
    before = feed.count()
    post(server, article("dashboard-live-1", AGREEMENT))
    expect(page.locator('#feed li[data-key="RUS|TUR"]').first).to_be_visible(timeout=WAIT_MS)
    assert feed.count() > before
    expect(page.locator('line[data-key="ISIS|SDF"]')).to_have_count(0)  # still showing 2017-12-31
    slide_to(page, None)
    expect(page.locator('line[data-key="ISIS|SDF"]')).to_have_count(1)
    page.screenshot(path=tmp_path / "dashboard-feed.png")


def test_article_text_with_markup_renders_as_text(page: Page, server: Server, tmp_path: Path) -> None:
    post(server, article("markup-1", HOSTILE_MARKUP) | {"text": HOSTILE_MARKUP})  # a text of its own
    expect(page.locator('#feed li[data-key="RUS|TUR"]').first).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("body")).to_have_attribute("data-loaded", "live")

    page.locator('line[data-key="RUS|TUR"]').dispatch_event("click")
    fact = page.locator("#evidence li.fact", has_text="<script>window.__xss=1</script>").first
    expect(fact.locator(".sentence")).to_have_text(HOSTILE_MARKUP)
    fact.locator("a.article-link").click()
    expect(page.locator("#article-text")).to_have_text(HOSTILE_MARKUP)
    page.screenshot(path=tmp_path / "dashboard-markup.png")

    assert page.evaluate("window.__xss") is None
    assert page.locator("#details-panel img, #details-panel script").count() == 0
