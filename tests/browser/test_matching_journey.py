"""The needs-and-matching loop in a real browser, as its people click it (issue 12, "Done means"):

1. a coordinator opens the survey's page, issues an invitation link for a target organisation (shown
   once), withdraws another one, and follows the response rate of the target group;
2. the invited employer opens the link without an account: a required answer left empty is refused
   with a clear message (the Japanese page and the English one), a draft is saved and found again
   through the same link, the answers are submitted; a second submission, a withdrawn link and an
   expired one are refused with a clear message;
3. the coordinator enters a hearing and sees the needs it produced, their skill tags and the words
   behind each tag;
4. the coordinator starts a batch run, watches its progress, opens a match's reasons, the gap chart and
   a proposal.

Every page on the way is checked at a phone's width (390 px) and a desktop's (1366 px): nothing scrolls
sideways, and a screenshot at each width is kept in test-artifacts/ (named matching-<page>-<width>).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
GROUP = "観光業・村山"  # the target group the coordinator invites the two test employers in
BUS, SHOP = "テスト観光バス株式会社", "テスト物産株式会社"  # invented employers (made here, not in the demo)


def _fits_the_screen(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


# the innermost elements that reach past the window's right edge, outside any scrolling box: what makes
# the page scroll sideways (named in the failure message)
_TOO_WIDE = """() => {
  const past = e => e.getBoundingClientRect().right > window.innerWidth + 1;
  const clipped = e => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement)
    if (getComputedStyle(p).overflowX !== "visible") return true; return false; };
  return [...document.querySelectorAll("body *")]
    .filter(e => past(e) && !clipped(e) && ![...e.children].some(past))
    .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
      + (typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/ +/).join(".") : "")
      + " " + Math.round(e.getBoundingClientRect().right) + "px");
}"""


class Widths:
    """Checks the page shown at 390 px and at 1366 px (no sideways scroll) and keeps a screenshot of
    each; the pages that scroll sideways are listed at the end of the test, all of them at once."""

    def __init__(self, screenshot: Screenshot) -> None:
        self.screenshot = screenshot
        self.overflowing: list[str] = []
        self.seen: list[str] = []

    def check(self, page: Page, name: str) -> None:
        back = page.viewport_size or DESKTOP
        page.wait_for_load_state("networkidle")
        for size in (PHONE, DESKTOP):
            page.set_viewport_size(size)
            if not _fits_the_screen(page):
                width = page.evaluate("document.documentElement.scrollWidth")
                self.overflowing.append(f"{name} at {size['width']} px is {width} px wide ({page.url}); "
                                        f"too wide: {', '.join(page.evaluate(_TOO_WIDE))}")  # fmt: skip
            self.screenshot(page, f"matching-{name}-{size['width']}")
        page.set_viewport_size(back)
        self.seen.append(name)


def _refused(traffic: Any, status: int) -> None:
    """The last navigation answered `status` on purpose (a refusal shown to the user): nothing else went
    wrong on the wire, and the browser's own console note about the status is all it logged."""
    assert traffic.bad_status
    assert all(f"HTTP {status}:" in s for s in traffic.bad_status), traffic.bad_status
    assert all(str(status) in e for e in traffic.console_errors), traffic.console_errors
    assert traffic.page_errors == traffic.failed == traffic.blocked == [], traffic.problems
    traffic.clear()


@pytest.fixture
def open_survey(demo: None) -> int:
    """The sample survey opened again (the demo's is closed), and two invented employers in the registry
    that it has not invited yet."""
    from factories import OrganisationFactory

    from renkei.core.audit import Via, audit_context
    from renkei.matching import services
    from renkei.matching.models import Survey
    from renkei.organisations.models import Organisation

    with audit_context(via=Via.COMMAND, label="test"):
        survey = Survey.objects.get(key="needs-survey-sample")
        survey.status, survey.closes_on = Survey.Status.OPEN, None
        services.survey_save(survey=survey, actor=None)
    for key, name in (("tour-bus", BUS), ("bussan", SHOP)):
        OrganisationFactory(kind=Organisation.Kind.COMPANY, key=f"test-employer.{key}", name_ja=name,
                            name_en=f"Test {key}", name_kana="てすと")  # fmt: skip
    return survey.pk


def _session_of_a_coordinator() -> str:
    from factories import NetworkStaffFactory, UserFactory

    from renkei.networks.models import Network

    staff = NetworkStaffFactory(network=Network.objects.get(key="yamagata-platform"),
                                user=UserFactory(username="coordinator", display_name="連携 太郎")).user  # fmt: skip
    client = Client()
    client.force_login(staff)
    return str(client.cookies["sessionid"].value)


def _as_coordinator(page: Page, base_url: str, session: str) -> None:
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])


def _as_employer(page: Page) -> None:
    """The invited employer has no account: nobody is signed in."""
    page.context.clear_cookies()


def _rate_row(page: Page) -> list[str]:
    row = page.locator("section[aria-labelledby=rates-heading] tbody tr", has_text=GROUP)
    expect(row).to_have_count(1)
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def test_an_employer_answers_and_a_coordinator_runs_matching(
    page: Page, base_url: str, open_survey: int, traffic: Any, screenshot: Screenshot
) -> None:
    from renkei.jobs.runner import run_step
    from renkei.matching.jobs import PHASES, STEP, match_run_work
    from renkei.matching.models import Hearing, Invitation, MatchRun, Need, Response

    widths = Widths(screenshot)
    coordinator = _session_of_a_coordinator()

    # 1. the coordinator, on a desktop, opens the survey from the overview and invites two employers
    page.set_viewport_size(DESKTOP)
    _as_coordinator(page, base_url, coordinator)
    page.goto(f"{base_url}/matching/")
    page.get_by_role("link", name="県内事業所の人材育成ニーズ調査（サンプル）").click()
    expect(page.locator("#rates-heading")).to_have_text("対象グループ別の回答率")
    assert page.locator("section[aria-labelledby=rates-heading] tbody tr", has_text=GROUP).count() == 0
    widths.check(page, "survey")
    page.get_by_role("link", name="依頼: アンケートリンクの発行・取り下げ・状況確認").click()
    widths.check(page, "invitations")
    links = {}
    for name in (BUS, SHOP):
        page.get_by_label("機関").select_option(label=name)
        page.get_by_label("対象グループ").fill(GROUP)
        page.get_by_label("有効期間（日）").fill("14")
        page.get_by_role("button", name="リンクを発行").click()
        expect(page.locator("#link-heading")).to_contain_text(name)
        links[name] = page.locator("#new-link").input_value()
        assert re.fullmatch(rf"{re.escape(base_url)}/matching/s/[^/]+/", links[name]), links[name]
        if name == BUS:
            widths.check(page, "invitation-link")
    page.get_by_role("button", name="コピー").click()  # the copy button works without internet
    expect(page.get_by_role("button", name="コピーしました")).to_be_visible()
    # the link is shown once: the list, opened again, does not show it, and the employer cannot be invited twice
    page.goto(page.url)
    expect(page.locator("#new-link")).to_have_count(0)
    assert BUS not in page.get_by_label("機関").inner_text()
    row = page.locator("tbody tr", has_text=SHOP)
    row.get_by_role("button", name="取り下げる").click()
    expect(page.locator("tbody tr", has_text=SHOP).locator(".state")).to_have_text("取り下げ")
    expect(page.locator("tbody tr", has_text=BUS).locator(".state")).to_have_text("未回答")
    widths.check(page, "invitations-withdrawn")
    page.locator(".page-header .eyebrow a").click()  # back to the survey
    assert _rate_row(page) == [GROUP, "2", "0", "0", "0%"]

    # 2. the invited employer, on a phone, without an account
    _as_employer(page)
    page.set_viewport_size(PHONE)
    link = links[BUS]
    page.goto(link)
    expect(page.locator("h1")).to_have_text("県内事業所の人材育成ニーズ調査（サンプル）")
    expect(page.locator(".lead")).to_contain_text(BUS)
    page.select_option("#id_industry", "M")
    page.select_option("#id_employees_band", "20-49")
    page.select_option("#id_municipality_code", "06210")
    page.check("input[name=q-training-now][value=partly]")
    page.check("input[name=q-priority][value='4']")
    widths.check(page, "survey-form")
    # a required answer left empty: a clear message in Japanese beside it, nothing saved
    page.get_by_role("button", name="提出する（1回のみ）").click()
    expect(page.get_by_role("alert")).to_have_text(
        "確認が必要な回答があります。以下のメッセージをご覧ください。"
    )
    expect(page.locator("#question-need .error")).to_have_text("この設問は回答必須です。")
    expect(page.locator("input[name=q-training-now][value=partly]")).to_be_checked()  # kept
    _refused(traffic, 422)
    assert not Response.objects.filter(invitation__organisation__name_ja=BUS).exists()
    widths.check(page, "survey-required-ja")
    # the English page says the same in English
    page.goto(link.replace("/matching/", "/en/matching/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.check("input[name=q-training-now][value=partly]")
    page.get_by_role("button", name="Submit (once)").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Some answers need your attention: see the messages below."
    )
    expect(page.locator("#question-need .error")).to_have_text("This question must be answered.")
    _refused(traffic, 422)
    widths.check(page, "survey-required-en")
    # back in Japanese: the answer written, a draft saved
    page.goto(link)
    page.select_option("#id_industry", "H")
    page.select_option("#id_employees_band", "50-99")
    page.select_option("#id_municipality_code", "06210")
    page.check("input[name=q-training-now][value=no]")
    page.fill(
        "textarea[name=q-need]", "観光バスの運転士に、訪日外国人を案内するための英語と接客を学ばせたい。"
    )
    page.fill("input[name=q-headcount]", "12")
    page.get_by_role("button", name="下書きを保存").click()
    expect(page.get_by_role("status")).to_contain_text("下書きを保存しました")
    widths.check(page, "survey-draft-saved")
    # the employer comes back through the same link later and finds the draft
    page.goto("about:blank")
    page.goto(link)
    expect(page.locator("textarea[name=q-need]")).to_have_value(
        "観光バスの運転士に、訪日外国人を案内するための英語と接客を学ばせたい。"
    )
    expect(page.locator("input[name=q-headcount]")).to_have_value("12")
    expect(page.locator("input[name=q-training-now][value=no]")).to_be_checked()
    expect(page.locator("#id_industry")).to_have_value("H")
    # the same form left open in a second tab, then the answers submitted from the first
    second_tab = page.context.new_page()
    second_tab.set_viewport_size(PHONE)
    second_tab.goto(link)
    page.get_by_role("button", name="提出する（1回のみ）").click()
    expect(page.locator("#submitted")).to_be_visible()
    expect(page.locator(".match").first).to_be_visible()  # matched at once, with reasons
    expect(page.locator("a[href*='/matching/matches/']")).to_have_count(0)  # no page that needs an account
    widths.check(page, "survey-submitted")
    response = Response.objects.get(invitation__organisation__name_ja=BUS)
    assert response.status == "submitted"
    assert Need.objects.filter(response=response).count() == 1
    # a second submission (from the tab left open) is refused with a clear message, and changes nothing
    second_tab.fill("input[name=q-headcount]", "30")
    second_tab.get_by_role("button", name="提出する（1回のみ）").click()
    expect(second_tab.get_by_role("alert")).to_contain_text("このアンケートはすでに提出済みです。")
    _refused(traffic, 409)
    widths.check(second_tab, "survey-second-submission")
    second_tab.close()
    response.refresh_from_db()
    assert response.answers["headcount"] == 12
    # the withdrawn link, and a link past its date, are refused with a clear message
    page.goto(links[SHOP])
    expect(page.get_by_role("alert")).to_contain_text("この回答用リンクは取り消されました。")
    expect(page.locator("form.survey-form")).to_have_count(0)
    _refused(traffic, 410)
    widths.check(page, "survey-link-withdrawn")

    # the coordinator issues the withdrawn employer a new link, which is not used in time
    _as_coordinator(page, base_url, coordinator)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{base_url}/matching/surveys/{open_survey}/invitations/")
    page.locator("tbody tr", has_text=SHOP).get_by_role("button", name="新しいリンク").click()
    expect(page.locator("#link-heading")).to_contain_text(SHOP)
    new_link = page.locator("#new-link").input_value()
    assert new_link != links[SHOP]
    Invitation.objects.filter(organisation__name_ja=SHOP).update(  # two weeks go by
        expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    )
    _as_employer(page)
    page.set_viewport_size(PHONE)
    page.goto(new_link)
    expect(page.get_by_role("alert")).to_contain_text("この回答用リンクは有効期限が切れています。")
    _refused(traffic, 410)
    widths.check(page, "survey-link-expired")
    page.goto(links[SHOP])  # the first link stays withdrawn: a new link replaced it
    expect(page.locator("h1")).to_have_text("ページが見つかりません")
    _refused(traffic, 404)

    # the coordinator sees the target group's response rate change
    _as_coordinator(page, base_url, coordinator)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{base_url}/matching/surveys/{open_survey}/")
    assert _rate_row(page) == [GROUP, "2", "1", "0", "50%"]
    expect(page.locator("section[aria-labelledby=responses-heading]")).to_contain_text(BUS)
    widths.check(page, "survey-rates")

    # 3. the coordinator enters a hearing from the survey's page
    page.get_by_role("link", name="ヒアリングを入力").click()
    widths.check(page, "hearing-form")
    page.select_option("#id_organisation", label=BUS)
    page.fill("#id_held_on", "2026-11-20")
    page.fill("#id_interviewees", "代表取締役、運行管理者")
    page.fill("#id_interviewer", "リカレント教育推進部門 コーディネーター")
    page.fill(
        "#id_notes_ja",
        "インバウンドの団体客が増え、運転士とガイドの英語での案内が課題。予約と運行のデータを活用したい。",
    )
    page.fill(
        "#id_needs",
        "予約と運行のデータを使ったデータ分析ができる事務職員を育てたい。\n運転士に安全管理の研修を受けさせたい。",
    )
    page.get_by_role("button", name="ヒアリングを保存してニーズをマッチング").click()
    expect(page.locator("h1")).to_contain_text(BUS)
    hearing = Hearing.objects.get(organisation__name_ja=BUS)
    needs = list(hearing.needs.order_by("pk"))
    assert [n.text for n in needs] == [
        "予約と運行のデータを使ったデータ分析ができる事務職員を育てたい。",
        "運転士に安全管理の研修を受けさせたい。",
    ]
    assert hearing.interviewer == "リカレント教育推進部門 コーディネーター"
    shown = page.locator(".hearing-need")
    expect(shown).to_have_count(2)
    for need, item in zip(needs, shown.all(), strict=True):
        expect(item).to_contain_text(need.text)
        for tag in need.need_skills.filter(rejected=False).select_related("concept"):
            assert tag.words, tag
            expect(item.locator(".skill-tags li", has_text=tag.concept.label)).to_contain_text(
                f"本文から抽出：「{tag.words}」"
            )
    assert needs[0].need_skills.filter(concept__label_ja="データ分析", words="データ分析").exists()
    widths.check(page, "hearing")
    page.get_by_role("link", name=needs[0].text).click()
    expect(page.locator(".skill-tags")).to_contain_text("本文から抽出：「データ分析」")
    expect(page.locator(".facts-list")).to_contain_text(
        "天童市"
    )  # the place by name (the employer's, answered)
    widths.check(page, "need")

    # 4. a batch run started and watched, a match's reasons, the gap chart, a proposal
    page.goto(f"{base_url}/matching/runs/")
    widths.check(page, "runs")
    page.click("#start-run button[type=submit]")
    expect(page.locator("#run-progress")).to_be_visible()
    widths.check(page, "run-waiting")
    run = MatchRun.objects.filter(scope="open_needs", is_sample=False).get()
    assert run_step(str(run.job_id), STEP, match_run_work, phases=PHASES) == "done"  # the worker's part
    expect(page.locator(".match").first).to_be_visible(timeout=15_000)  # the page reloads when it ends
    assert set(run.matches.values_list("need_id", flat=True)) >= {n.pk for n in needs}
    widths.check(page, "run-done")
    page.locator(".reasons a").first.click()
    expect(page.locator("#reasons-heading")).to_be_visible()
    parts = page.locator("section[aria-labelledby=reasons-heading] tbody td:first-child").all_inner_texts()
    assert parts
    assert set(parts) <= {
        "スキル",
        "本文",
        "類似ニーズ",
        "実施形態",
        "距離",
        "受講料",
        "レベル",
        "日程",
        "時間帯",
    }
    widths.check(page, "match-reasons")
    page.goto(f"{base_url}/matching/gaps/")
    expect(page.locator("svg.chart").first).to_be_visible()
    widths.check(page, "gaps")
    page.goto(f"{base_url}/matching/proposals/")
    widths.check(page, "proposals")
    page.locator("table.data a").first.click()
    expect(page.locator(".workflow [aria-current=step]")).to_be_visible()
    developers = page.locator(".developer h3").all_inner_texts()  # the members best placed, by name
    assert developers
    assert all(name.strip() for name in developers), developers
    widths.check(page, "proposal")

    assert widths.overflowing == [], "pages that scroll sideways:\n" + "\n".join(widths.overflowing)
    assert len(widths.seen) == len(set(widths.seen))  # one pair of screenshots per page, none overwritten
