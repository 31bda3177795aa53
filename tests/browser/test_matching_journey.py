"""The needs-and-matching loop in a real browser: an invited employer fills the survey through its link
(no account), then a coordinator starts a run, watches its progress, opens a match's reasons, a gap
chart and a proposal. Screenshots are kept as test artifacts; nothing overflows a phone's screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]
PHONE = {"width": 390, "height": 844}


def _fits_the_screen(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.fixture
def invitation_link(demo: None) -> str:
    """The sample survey opened again, and a new link for the sample ryokan (heard, not yet answered)."""
    from renkei.core.audit import Via, audit_context
    from renkei.matching import services
    from renkei.matching.models import Invitation, Survey

    with audit_context(via=Via.COMMAND, label="test"):
        survey = Survey.objects.get(key="needs-survey-sample")
        survey.status, survey.closes_on = Survey.Status.OPEN, None
        services.survey_save(survey=survey, actor=None)
        invitation = Invitation.objects.get(survey=survey, organisation__key="sample-employer.onsen-ryokan")
        token = services.invitation_reissue(invitation=invitation, actor=None)
    return f"/matching/s/{token}/"


def _sign_in_as_coordinator(page: Page, base_url: str) -> None:
    from factories import NetworkStaffFactory, UserFactory

    from renkei.networks.models import Network

    staff = NetworkStaffFactory(network=Network.objects.get(key="yamagata-platform"),
                                user=UserFactory(username="coordinator", display_name="連携 太郎")).user  # fmt: skip
    client = Client()
    client.force_login(staff)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )


def test_an_employer_answers_and_a_coordinator_runs_matching(
    page: Page, base_url: str, invitation_link: str, screenshot: Screenshot
) -> None:
    from renkei.jobs.runner import run_step
    from renkei.matching.jobs import PHASES, STEP, match_run_work
    from renkei.matching.models import MatchRun, Need, Response

    # 1. the invited employer, on a phone, without an account
    page.set_viewport_size(PHONE)
    page.goto(base_url + invitation_link)
    page.select_option("#id_industry", "M")
    page.select_option("#id_employees_band", "20-49")
    page.select_option("#id_municipality_code", "06207")
    page.check("input[name=q-training-now][value=partly]")
    page.check("input[name=q-priority][value='4']")
    page.fill("textarea[name=q-need]", "英語での接客と、SNSを使ったWebマーケティングを若手に学ばせたい。")
    page.fill("input[name=q-headcount]", "6")
    assert _fits_the_screen(page)
    screenshot(page, "matching-survey-form-phone")
    page.click("button[value=draft]")
    expect(page.locator("p.notice")).to_be_visible()
    page.click("button[value=submit]")
    expect(page.locator("#submitted")).to_be_visible()
    expect(page.locator(".match").first).to_be_visible()  # matched at once, with reasons
    screenshot(page, "matching-survey-submitted-phone")
    response = Response.objects.get(organisation__key="sample-employer.onsen-ryokan")
    assert response.status == "submitted"
    assert Need.objects.filter(response=response).count() == 1
    # resubmitting is refused with a message
    page.goto(base_url + invitation_link)
    expect(page.locator("#submitted")).to_be_visible()

    # 2. the coordinator, on a desktop, starts a batch run and watches it
    page.set_viewport_size({"width": 1366, "height": 900})
    _sign_in_as_coordinator(page, base_url)
    page.goto(f"{base_url}/matching/runs/")
    page.click("#start-run button[type=submit]")
    expect(page.locator("#run-progress")).to_be_visible()
    screenshot(page, "matching-run-waiting")
    run = MatchRun.objects.filter(scope="open_needs", is_sample=False).get()
    assert run_step(str(run.job_id), STEP, match_run_work, phases=PHASES) == "done"  # the worker's part
    expect(page.locator(".match").first).to_be_visible(timeout=15_000)  # the page reloads when it ends
    page.wait_for_load_state("networkidle")
    screenshot(page, "matching-run-done")

    # 3. a match's reasons
    page.locator(".reasons a").first.click()
    expect(page.locator("#reasons-heading")).to_be_visible()
    screenshot(page, "matching-match-reasons")

    # 4. the gap chart, and on a phone
    page.goto(f"{base_url}/matching/gaps/")
    expect(page.locator("svg.chart").first).to_be_visible()
    screenshot(page, "matching-gaps")
    page.set_viewport_size(PHONE)
    assert _fits_the_screen(page)
    screenshot(page, "matching-gaps-phone")

    # 5. the proposal in development
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{base_url}/matching/proposals/")
    page.locator("table.data a").first.click()
    expect(page.locator(".workflow [aria-current=step]")).to_be_visible()
    screenshot(page, "matching-proposal")
