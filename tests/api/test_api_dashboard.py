"""The dashboard in headless Chromium, on the seeds and the world news articles: map, network, filters,
timeline, date slider, evidence, live feed, at a wide and a phone's width; escaping of article text."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.api.support import AGREEMENT, AUTH, HOSTILE_MARKUP, Server, article

WAIT_MS = 30_000
SHOTS = Path("/work/tmp/shots")
"""Where the screenshots are copied, to be shown."""
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"
STANCE = re.compile(r"\bstance-(allied|cooperative|neutral|tense|hostile)\b")


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        yield launched
        launched.close()


@contextmanager
def opened(browser: Browser, server: Server, width: int) -> Iterator[Page]:
    """A fresh page on the dashboard, ``width`` pixels wide, failing the test on any script error."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(server.url + "/")
        expect(page.locator("body")).to_have_attribute("data-loaded", "live", timeout=WAIT_MS)
        expect(page.locator("body")).to_have_attribute("data-stream", "open", timeout=WAIT_MS)
        yield page
    finally:
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


def shot(page: Page, folder: Path, name: str) -> None:
    """A screenshot of the whole page in ``folder``, copied to :data:`SHOTS`."""
    path = folder / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def fits(page: Page) -> bool:
    """Whether the page is no wider than the window."""
    return bool(page.evaluate(FITS))


@pytest.mark.parametrize("width", [1280, 390])
def test_an_analyst_reads_the_map_network_timeline_and_evidence(
    browser: Browser, world: Server, width: int, tmp_path: Path
) -> None:
    with opened(browser, world, width) as page:
        assert fits(page)
        page.select_option("#map-actor", "RUS")
        usa, georgia = (
            page.locator('#map path[data-actor="USA"]'),
            page.locator('#map path[data-actor="GEO"]'),
        )
        expect(usa).to_have_class(re.compile(r"\bstance-cooperative\b"))
        expect(georgia).to_have_class(STANCE)
        donbas = page.locator('#map .zone-marker[data-zone="DONBAS"]')
        expect(donbas).to_have_class(re.compile(r"\bstatus-"))
        shot(page, tmp_path, f"dashboard-{width}-map")

        network = page.locator("#network")
        every = network.get_attribute("data-edges")
        page.select_option("#filter-actor", "TUR")
        expect(network).not_to_have_attribute("data-edges", every)
        page.locator("#pairs-box summary").click()
        keys = page.locator("#pairs li").evaluate_all("items => items.map(item => item.dataset.key)")
        assert keys and all("TUR" in key.split("|") for key in keys)
        page.fill("#search", "Türkiye")
        expect(network).to_have_attribute("data-found", "TUR")

        network.focus()  # the canvas: arrows move over actors, then pairs; Enter opens a pair
        for _ in range(int(network.get_attribute("data-nodes")) + 1):
            page.keyboard.press("ArrowRight")
        edge = network.get_attribute("data-focused")
        assert edge in keys
        page.keyboard.press("Enter")
        expect(page.locator("#details-title")).to_have_attribute("data-key", edge)

        page.locator('#pairs li[data-key="RUS|TUR"]').focus()
        page.keyboard.press("Enter")
        expect(page.locator("#details-title")).to_have_attribute("data-key", "RUS|TUR")
        expect(page.locator("#timeline")).to_have_attribute("data-key", "RUS|TUR")
        facts = page.locator("#evidence li.fact")
        expect(facts).to_have_count(20)
        page.locator("#more").click()
        expect(facts).to_have_count(40)
        point = page.locator("#timeline .event-point").first
        day = point.get_attribute("data-date")
        point.click()
        expect(page.locator("#evidence")).to_have_attribute("data-day", day)
        expect(facts.first.locator(".fact-head")).to_contain_text(day)
        sentence = facts.first.locator(".sentence").inner_text()
        facts.first.locator("a.article-link").click()
        expect(page.locator("#article-text mark")).to_have_text(sentence)
        expect(page.locator("#article-title")).not_to_be_empty()
        shot(page, tmp_path, f"dashboard-{width}-evidence")

        page.select_option("#filter-actor", "")
        expect(page.locator('#pairs li[data-key="GEO|RUS"]')).to_have_count(1)
        slide_to(page, dt.date(2017, 12, 31))
        expect(network).not_to_have_attribute("data-edges", every)
        expect(page.locator('#pairs li[data-key="GEO|RUS"]')).to_have_count(0)
        expect(usa).to_have_class(re.compile(r"\bstance-neutral\b"))
        expect(georgia).not_to_have_class(STANCE)
        expect(donbas).to_have_count(0)
        expect(page.locator("#details-summary")).to_contain_text("score")  # the pair as of that day
        shot(page, tmp_path, f"dashboard-{width}-2017-12-31")

        slide_to(page, None)
        expect(network).to_have_attribute("data-edges", every)
        post(world, article(f"dashboard-live-{width}", AGREEMENT))
        expect(page.locator('#feed li[data-key="RUS|TUR"]').first).to_be_visible(timeout=WAIT_MS)
        shot(page, tmp_path, f"dashboard-{width}-feed")
        assert fits(page)
        for narrower in (800, 360):  # the graph's canvas follows once it hears of the resize
            page.set_viewport_size({"width": narrower, "height": 900})
            page.wait_for_function(FITS)


def test_article_text_with_markup_renders_as_text(browser: Browser, server: Server, tmp_path: Path) -> None:
    with opened(browser, server, 1280) as page:
        post(server, article("markup-1", HOSTILE_MARKUP) | {"text": HOSTILE_MARKUP})  # a text of its own
        expect(page.locator('#feed li[data-key="RUS|TUR"]').first).to_be_visible(timeout=WAIT_MS)
        expect(page.locator("body")).to_have_attribute("data-loaded", "live")

        page.locator("#pairs-box summary").click()
        page.locator('#pairs li[data-key="RUS|TUR"]').click()
        fact = page.locator("#evidence li.fact", has_text="<script>window.__xss=1</script>").first
        while not fact.count():  # the article's fact may be on a later page
            page.locator("#more").click()
        expect(fact.locator(".sentence")).to_have_text(HOSTILE_MARKUP)
        fact.locator("a.article-link").click()
        expect(page.locator("#article-text")).to_have_text(HOSTILE_MARKUP)
        expect(page.locator("#article-text mark")).to_have_text(HOSTILE_MARKUP)
        shot(page, tmp_path, "dashboard-markup")

        assert page.evaluate("window.__xss") is None
        assert page.locator("#details-panel img, #details-panel script").count() == 0
