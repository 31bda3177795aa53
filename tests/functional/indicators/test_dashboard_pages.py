"""The indicator pages as people find them: every owner's dashboard reachable from the indicators'
home, the reports made from a dashboard listed on it (for those who may see them), each indicator's
trend named beside its status."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from factories import ActualFactory, IndicatorFactory, InitiativeFactory, NetworkFactory

from renkei.core.audit import Via, audit_context
from renkei.indicators.models import Report
from renkei.indicators.services import report_generate


def test_the_home_links_the_dashboard_of_every_owner_of_an_initiative(client: Any, owner_org: Any) -> None:
    # the organisation owns no indicator itself, only an initiative that has some
    initiative = InitiativeFactory(key="init-h", organisation=owner_org)
    IndicatorFactory(key="ind-h", initiative=initiative)
    network = NetworkFactory(key="net-h")
    InitiativeFactory(key="init-n", organisation=None, network=network)
    page = client.get(reverse("indicators:home")).content.decode()
    assert reverse("indicators:organisation", kwargs={"key": "owner-u"}) in page
    assert reverse("indicators:network", kwargs={"key": "net-h"}) in page


def test_the_reports_made_are_listed_on_the_dashboard_for_their_owners_only(
    client: Any, owner: Any, owner_org: Any
) -> None:
    initiative = InitiativeFactory(key="init-r", organisation=owner_org)
    IndicatorFactory(key="ind-r", initiative=initiative)
    with audit_context(via=Via.COMMAND):
        report = report_generate(report=Report(initiative=initiative, language="en", title="…"), actor=owner)
    url = reverse("indicators:initiative", kwargs={"key": "init-r"})
    detail = reverse("indicators:report-detail", kwargs={"uuid": report.uuid})
    anonymous = client.get(url).content.decode()
    assert detail not in anonymous
    assert 'data-testid="kept-reports"' not in anonymous
    client.force_login(owner)
    page = client.get(url).content.decode()
    assert 'data-testid="kept-reports"' in page
    assert detail in page
    assert "作成した報告書" in page
    assert "英語" in page
    kept = client.get(detail).content.decode()
    assert f'href="{url}"' in kept  # back to the dashboard it was made from
    # the report's HTML stands alone: its own style may apply, nothing may load or run
    live = client.get(reverse("indicators:report-live", kwargs={"kind": "initiative", "key": "init-r"}))
    assert live["Content-Security-Policy"].startswith("default-src 'none'; style-src 'unsafe-inline';")
    kept_html = client.get(reverse("indicators:report-file", kwargs={"uuid": report.uuid, "fmt": "html"}))
    policy = kept_html["Content-Security-Policy"]
    kept_html.close()  # a file response (closed last: closing a response ends the request's connection)
    assert policy.startswith("default-src 'none'; style-src 'unsafe-inline';")


def test_the_trend_is_named_beside_the_status_in_both_languages(client: Any, owner_org: Any) -> None:
    initiative = InitiativeFactory(key="init-t", organisation=owner_org)
    indicator = IndicatorFactory(key="ind-t", initiative=initiative, unit_en="students")
    ActualFactory(indicator=indicator, fiscal_year=2021, value=120, state="published")
    ActualFactory(indicator=indicator, fiscal_year=2022, value=150, state="published")
    lonely = IndicatorFactory(key="ind-one", initiative=initiative)
    ActualFactory(indicator=lonely, fiscal_year=2022, value=150, state="published")
    url = reverse("indicators:initiative", kwargs={"key": "init-t"})
    ja = client.get(url).content.decode()
    assert "傾向: 改善" in ja
    assert ja.count('class="trend ') == 1  # one actual alone: no trend to name
    en = client.get(f"/en{url}").content.decode()
    assert "trend: improving" in en
    assert "(students)</span>" in en
    assert "（students）" not in en
    assert "（人）</span>" in ja
