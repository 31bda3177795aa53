"""A coordinator imports a Google Forms export into the sample survey in a real browser, on a phone and
on a desktop: upload → the proposed column mapping → the preview with counts → confirm; the response
rate counts the imported answer. Screenshots are kept as test artifacts; nothing overflows the screen."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

Screenshot = Callable[[Page, str], Path]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _fits_the_screen(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _export(survey: object, organisation: str) -> bytes:
    """A Google Forms-shaped CSV with one valid answer per question of the survey."""
    from renkei.matching.services import skill_choices

    header = ["タイムスタンプ", "メールアドレス", "会社名"]
    row = ["2026/11/05 10:23:45", "soumu@example.jp", organisation]
    for question in survey.questions.all():  # type: ignore[attr-defined]
        header.append(question.text_ja)
        labels = [c["ja"] for c in question.choices or []]
        row.append({
            "single": labels[0] if labels else "",
            "multiple": ", ".join(labels[:2]),
            "scale": str(question.scale_min),
            "number": str(question.number_min or 1),
            "skills": next(iter(skill_choices().values())).label_ja,
        }.get(question.kind, "社員のデータ分析の力を伸ばしたい。"))  # fmt: skip
    out = io.StringIO()
    csv.writer(out).writerows([header, row])
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_coordinator_imports_a_forms_export(
    page: Page, base_url: str, demo: None, screenshot: Screenshot, tmp_path: Path, size: str
) -> None:
    from factories import NetworkStaffFactory, UserFactory

    from renkei.importing.jobs import COMMIT, PREVIEW, import_commit_run, import_preview_run
    from renkei.importing.progress import PHASES
    from renkei.jobs.models import Job
    from renkei.jobs.runner import run_step
    from renkei.matching.models import Response, Survey
    from renkei.networks.models import Network
    from renkei.organisations.models import Organisation

    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    survey = Survey.objects.get(key="needs-survey-sample")
    ryokan = Organisation.objects.get(key="sample-employer.onsen-ryokan")
    staff = NetworkStaffFactory(network=Network.objects.get(key="yamagata-platform"),
                                user=UserFactory(username="coordinator")).user  # fmt: skip
    client = Client()
    client.force_login(staff)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
    export = tmp_path / "フォームの回答.csv"
    export.write_bytes(_export(survey, ryokan.name_ja))

    # from the survey's page to the upload
    page.goto(f"{base_url}/matching/surveys/{survey.pk}/")
    page.get_by_role("link", name="ファイルから回答を取り込む").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ファイルから回答を取り込む")
    assert _fits_the_screen(page)
    page.get_by_label("エクスポートしたファイル").set_input_files(str(export))
    page.get_by_role("button", name="列を読み込む").click()

    # the mapping, proposed from the headers
    expect(page.get_by_role("heading", level=1)).to_have_text("2. 各列はどの設問ですか")
    expect(page.get_by_label("タイムスタンプ")).to_have_value("timestamp")
    expect(page.get_by_label("会社名")).to_have_value("organisation")
    assert _fits_the_screen(page)
    screenshot(page, f"survey-import-mapping-{size}")
    page.get_by_role("button", name="3. 回答を確認").click()
    page.wait_for_load_state()  # the job's page, with its scripts, before the test reloads it

    # the preview (the job runs here, as a worker would), then confirm
    job = Job.objects.get(kind="import")
    run_step(str(job.pk), PREVIEW, import_preview_run, phases=PHASES)
    page.reload()
    expect(page.get_by_text("まだ何も書き込まれていません", exact=False)).to_be_visible()
    assert _fits_the_screen(page)
    screenshot(page, f"survey-import-preview-{size}")
    assert not Response.objects.filter(organisation=ryokan).exists()
    page.get_by_role("button", name="3. この変更を反映").click()
    page.wait_for_load_state()
    run_step(str(job.pk), COMMIT, import_commit_run, phases=PHASES)
    page.reload()
    response = Response.objects.get(organisation=ryokan, survey=survey)
    assert response.via == Response.Via.IMPORT
    assert response.source_file == export.name

    # the response rate counts it
    page.goto(f"{base_url}/matching/surveys/{survey.pk}/")
    expect(page.get_by_role("link", name=ryokan.name_ja).first).to_be_visible()
    assert _fits_the_screen(page)
