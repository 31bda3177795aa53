"""The bad-input gate (issue 9): every public parameter of the pages and the API, given each kind of
bad value, gets a 4xx that says what is wrong (never a 5xx), in bounded time.

The API's parameters are read from its OpenAPI document and the pages' from their parameter models,
so a new parameter is covered as soon as it exists.
"""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest

from renkei.catalog.params import ContentListPage, CurriculumFilter, ProgramSearchPage
from renkei.core.params import MAX_QUERY_BYTES
from renkei.indicators.params import DashboardFilter, RecordsFilter
from renkei.matching.params import GapsCsv, GapsPage, NeedListPage
from renkei.partnerships.params import MatrixDownload, MatrixFilter
from renkei.portal.catalog_views import ProviderPage
from renkei.portal.views import OrganisationListPage

SECONDS = 3.0  # per request, on a shared CI machine; the work of every parameter is bounded

BAD_VALUES = {
    "superscript-digit": quote("²"),
    "fullwidth-digits": quote("１２"),
    "arabic-indic-digit": quote("٣"),
    "beyond-64-bits": "99999999999999999999999",
    "negative": "-1",
    "nul": "a%00b",
    "invalid-escape": "%zz",
    "truncated-utf8": "%C3",
    "many-words": quote(" ".join(["データ"] * 1500)),
    "long-string": "x" * 5000,
    "huge-query": "x" * (MAX_QUERY_BYTES + 1),
    "null": "null",
}
HUGE_WORD_QUERY = quote(" ".join(["ab"] * 15000))  # issue 9: 15,000 words kept threads busy for minutes

PAGES = {
    "/programs/search/": ProgramSearchPage,
    "/programs/map/": ProgramSearchPage,
    "/programs/contents/": ContentListPage,
    "/programs/curricula/": CurriculumFilter,
    "/programs/providers/owner-u/": ProviderPage,
    "/organisations/": OrganisationListPage,
    "/en/organisations/": OrganisationListPage,
    "/indicators/initiatives/initiative-q/": DashboardFilter,
    "/en/indicators/initiatives/initiative-q/": DashboardFilter,
    "/indicators/organisations/owner-u/": DashboardFilter,
    "/indicators/networks/network-n/": DashboardFilter,
    "/indicators/i/indicator-q/": RecordsFilter,
    "/en/indicators/i/indicator-q/": RecordsFilter,
    "/partnerships/": MatrixFilter,
    "/partnerships/map/": MatrixFilter,
    "/partnerships/matrix/download/": MatrixDownload,
    "/matching/needs/": NeedListPage,
    "/matching/gaps/": GapsPage,
    "/matching/gaps.csv": GapsCsv,
}
PAGE_PATHS = [
    "/organisations/{}/",
    "/programs/providers/{}/",
    "/programs/contents/{}/",
    "/programs/owner-u/{}/",
    "/programs/{}/QC-1/",
    "/networks/{}/",
    "/programs/curricula/network-n/{}/",
    "/indicators/initiatives/{}/",
    "/indicators/organisations/{}/",
    "/indicators/networks/{}/",
    "/indicators/i/{}/",
    "/indicators/report/{}/owner-u/",
    "/indicators/report/organisation/{}/",
    "/indicators/reports/{}/",
    "/indicators/reports/jobs/{}/",
    "/partnerships/{}/",
    "/partnerships/agreements/{}/",
    "/matching/s/{}/",
    "/matching/needs/{}/",
    "/matching/runs/{}/",
    "/matching/surveys/{}/invitations/",
]


def _timed_get(client, url: str, **headers: str):
    started = time.perf_counter()
    response = client.get(url, headers=headers)
    return response, time.perf_counter() - started


def _api_parameters(client) -> list[tuple[str, str, str]]:
    """(operation id, URL with path values, query parameter name) for every query parameter."""
    document = client.get("/api/v1/openapi.json").json()
    found = []
    for path, operations in document["paths"].items():
        for operation in operations.values():
            url = path.replace("{provider_key}", "owner-u").replace("{code}", "QC-1")
            url = url.replace("{content_id}", "1").replace("{key}", "owner-u")
            for parameter in operation.get("parameters", ()):
                if parameter["in"] == "query":
                    found.append((operation["operationId"], url, parameter["name"]))
    return found


@pytest.fixture
def site(owner_org, network):
    from renkei.catalog import services
    from renkei.catalog.models import Program

    program = Program(
        provider=owner_org, code="QC-1", title_ja="品質管理入門", status=Program.Status.PUBLISHED
    )
    services.program_save(program=program, fields=[], skills=[], shared_with=[], actor=None)
    from factories import ActualFactory, IndicatorFactory, InitiativeFactory

    initiative = InitiativeFactory(key="initiative-q", organisation=owner_org, name_ja="品質の取組")
    ActualFactory(indicator=IndicatorFactory(key="indicator-q", initiative=initiative), fiscal_year=2022)


def test_every_api_parameter_refuses_bad_values_with_a_problem(client, site, settings):
    settings.RENKEI_API_RATES = {**settings.RENKEI_API_RATES, "address": "100000/min"}  # ~650 requests
    parameters = _api_parameters(client)
    assert len(parameters) > 40  # the document was read
    slow, wrong = [], []
    for operation, url, name in parameters:
        for label, value in BAD_VALUES.items():
            response, seconds = _timed_get(client, f"{url}?{name}={value}")
            if seconds > SECONDS:
                slow.append((operation, name, label, round(seconds, 2)))
            if (
                response.status_code >= 500
                or response.status_code == 429
                or (response.status_code >= 400 and response["Content-Type"] != "application/problem+json")
            ):
                wrong.append((operation, name, label, response.status_code))
    assert not wrong
    assert not slow


@pytest.mark.parametrize("url", ["/api/v1/contents", "/api/v1/programs", "/api/v1/organisations"])
def test_fifteen_thousand_words_are_refused_at_once(client, site, url):
    response, seconds = _timed_get(client, f"{url}?q={HUGE_WORD_QUERY}", **{"accept-language": "en"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "malformed-query"
    assert seconds < 1.0


def test_twenty_one_words_are_too_many(client, site):
    words = quote(" ".join(["品質"] * 21))
    problem = client.get(f"/api/v1/programs?q={words}", headers={"accept-language": "en"}).json()
    assert problem["errors"] == [
        {"parameter": "q", "code": "invalid-value", "detail": "Use at most 20 words."}
    ]
    assert client.get(f"/api/v1/programs?q={quote(' '.join(['品質'] * 20))}").status_code == 200


def test_every_page_parameter_gets_a_message_never_a_500(client, site):
    slow, wrong = [], []
    for url, model in PAGES.items():
        for name in sorted(model.names()):
            for label, value in BAD_VALUES.items():
                response, seconds = _timed_get(client, f"{url}?{name}={value}")
                if seconds > SECONDS:
                    slow.append((url, name, label, round(seconds, 2)))
                if response.status_code >= 500:
                    wrong.append((url, name, label, response.status_code))
                elif response.status_code == 400:
                    assert b'class="problems"' in response.content, (url, name, label)
    assert not wrong
    assert not slow


def test_every_page_path_bounds_its_values(client, site):
    values = ["99999999999999999999999", "a%00b", quote("²"), "x" * 300, "%zz"]
    wrong = []
    for pattern in PAGE_PATHS:
        for value in values:
            response = client.get(pattern.format(value))
            if response.status_code >= 500:
                wrong.append((pattern, value[:20], response.status_code))
    assert not wrong


def test_a_bad_page_parameter_is_explained_in_the_users_language(client, site):
    ja = client.get("/programs/search/?page=%C2%B2")
    en = client.get("/en/programs/search/?page=%C2%B2")
    assert ja.status_code == en.status_code == 400
    assert "page: 半角数字の整数で指定してください。" in ja.content.decode()
    assert "page: Give a whole number in ASCII digits." in en.content.decode()
    assert "このアドレスは使えません" in ja.content.decode()


def test_pages_ignore_unknown_parameters_and_empty_fields(client, site):
    # shared links carry tracking parameters; a form sends its empty fields
    assert client.get("/programs/search/?utm_source=x&q=品質&sort=&mode=").status_code == 200
    assert client.get("/organisations/?kind=&q=").status_code == 200


def test_a_bad_indicator_category_is_explained_in_the_users_language(client, site):
    ja = client.get("/indicators/initiatives/initiative-q/?category=%C2%B2")
    en = client.get("/en/indicators/initiatives/initiative-q/?category=students%00")
    assert ja.status_code == en.status_code == 400
    assert "category: " in ja.content.decode()
    assert "このアドレスは使えません" in ja.content.decode()
    assert "category: " in en.content.decode()
    assert "This address cannot be used" in en.content.decode()
    fy = client.get("/en/indicators/i/indicator-q/?fy=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%92")  # full-width
    assert fy.status_code == 400
    assert "fy: Give a whole number in ASCII digits." in fy.content.decode()


@pytest.mark.parametrize("value", ["fr", "ja\x00", "²", "x" * 5000])
def test_a_bad_report_language_is_refused_and_nothing_is_written(client, site, owner, value):
    from renkei.core.models import AuditEntry
    from renkei.indicators.models import Report
    from renkei.jobs.models import Job

    client.force_login(owner)
    before = (Job.objects.count(), Report.objects.count(), AuditEntry.objects.count())
    url = "/indicators/report/initiative/initiative-q/new/"
    for prefix, message in (("", "このアドレスは使えません"), ("/en", "This address cannot be used")):
        response = client.post(f"{prefix}{url}", {"language": value})
        assert response.status_code == 400, (prefix, value)
        assert message in response.content.decode()
        assert b'class="problems"' in response.content
    assert (Job.objects.count(), Report.objects.count(), AuditEntry.objects.count()) == before
