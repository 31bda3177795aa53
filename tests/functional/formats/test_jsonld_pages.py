"""schema.org JSON-LD on every public page: each route of the URL configuration is crawled with the demo
data; every page's JSON-LD parses, says @context schema.org, and has the types its page calls for."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from renkei.catalog.models import JointCurriculum, Program, TeachingContent
from renkei.formats import bundle, pages
from renkei.networks.models import Network
from renkei.organisations.models import Organisation
from renkei.partnerships.models import Activity, Agreement, Partnership

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _routes(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else entry.namespace or namespace
            )
            yield from _routes(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + str(entry.pattern), f"{namespace}:{entry.name}" if namespace else entry.name


def _published() -> Program:
    return Program.objects.filter(status="published").select_related("provider").order_by("pk").first()


def _org(kinds: Any) -> str:
    return (
        Organisation.objects.filter(kind__in=kinds, parent=None)
        .order_by("pk")
        .values_list("key", flat=True)[0]
    )


HEI = Organisation.HEI_KINDS
GOVERNMENT = (Organisation.Kind.MUNICIPALITY, Organisation.Kind.PREFECTURE, Organisation.Kind.GOVERNMENT_BODY)
OTHER = (Organisation.Kind.COMPANY, Organisation.Kind.BUSINESS_ASSOCIATION, Organisation.Kind.AGENCY)

# Each public HTML page: how to get its arguments from the demo, and the @types its JSON-LD must have.
Args = Callable[[], dict[str, Any]]
PUBLIC_PAGES: dict[str, list[tuple[Args, set[str]]]] = {
    "portal:home": [(dict, {"WebSite", "ItemList"})],
    "portal:network-detail": [
        (
            lambda: {"key": Network.objects.order_by("pk").values_list("key", flat=True)[0]},
            {"Organization", "BreadcrumbList"},
        )
    ],
    "portal:organisation-list": [(dict, {"ItemList", "BreadcrumbList"})],
    "portal:organisation-detail": [
        (lambda: {"key": _org(HEI)}, {"CollegeOrUniversity", "BreadcrumbList"}),
        (lambda: {"key": _org(GOVERNMENT)}, {"GovernmentOrganization", "BreadcrumbList"}),
        (lambda: {"key": _org(OTHER)}, {"Organization", "BreadcrumbList"}),
    ],
    "catalog:home": [(dict, {"ItemList", "BreadcrumbList"})],
    "catalog:search": [(dict, {"ItemList", "BreadcrumbList"})],
    "catalog:map": [(dict, {"BreadcrumbList"})],
    "catalog:provider-list": [(dict, {"ItemList", "BreadcrumbList"})],
    "catalog:provider": [
        (lambda: {"key": _published().provider.key}, {"CollegeOrUniversity", "BreadcrumbList"})
    ],
    "catalog:content-list": [(dict, {"ItemList", "BreadcrumbList"})],
    "catalog:content-detail": [
        (
            lambda: {"pk": TeachingContent.objects.filter(status="published").order_by("pk")[0].pk},
            {"LearningResource"},
        )
    ],
    "catalog:curriculum-list": [(dict, {"ItemList", "BreadcrumbList"})],
    "catalog:curriculum-detail": [
        (
            lambda: (lambda c: {"network": c.network.key, "key": c.key})(
                JointCurriculum.objects.select_related("network").order_by("pk")[0]
            ),
            {"EducationalOccupationalProgram", "BreadcrumbList"},
        )
    ],
    "catalog:program-detail": [
        (
            lambda: {"provider_key": _published().provider.key, "code": _published().code},
            {"Course", "BreadcrumbList"},
        )
    ],
    "opendata:page": [(dict, {"Dataset", "BreadcrumbList"})],
    "partnerships:matrix": [(dict, {"ItemList", "BreadcrumbList"})],
    "partnerships:map": [(dict, {"BreadcrumbList"})],
    "partnerships:joint-degrees": [(dict, {"BreadcrumbList"})],
    "partnerships:partnership": [
        (lambda: {"key": "utokyo-ntu-tw"}, {"CollegeOrUniversity", "Event", "BreadcrumbList"})
    ],
    "partnerships:agreement": [
        (
            lambda: {
                "key": Agreement.objects.filter(is_public=True)
                .order_by("pk")
                .values_list("key", flat=True)[0]
            },
            {"BreadcrumbList"},
        )
    ],
    "portal:sources": [(dict, {"ItemList", "BreadcrumbList"})],
    "indicators:home": [(dict, {"BreadcrumbList"})],
    "indicators:computations": [(dict, {"BreadcrumbList"})],
    "indicators:initiative": [(lambda: {"key": "tohoku-global-initiative"}, {"Dataset", "BreadcrumbList"})],
    "indicators:organisation": [(lambda: {"key": "tohoku-u"}, {"Dataset", "BreadcrumbList"})],
    "indicators:network": [(lambda: {"key": "yamagata-platform"}, {"Dataset", "BreadcrumbList"})],
    "indicators:indicator": [
        (lambda: {"key": "tohoku-international-students"}, {"Dataset", "BreadcrumbList"})
    ],
}
# Routes that are not public HTML pages: files and documents, forms that post, and signed-in pages.
NOT_PUBLIC_PAGES = {
    "opendata:bundle", "opendata:manifest", "opendata:popolo", "opendata:popolo-kind", "opendata:regenerate",
    "portal:import-start", "portal:import-job", "portal:import-job-status", "portal:import-confirm",
    "portal:import-retry", "portal:export", "portal:tokens", "portal:token-revoke", "set_language",
    "favicon",
    "partnerships:matrix-download", "partnerships:dashboard", "partnerships:renewal-review",
    "partnerships:agreement-document", "partnerships:agreement-document-upload",
    # EWP documents are XML; reports are files or owners' pages; the needs pages are for signed-in staff and
    # employers, and the survey form for one invited respondent
    "ewp:factsheet", "ewp:iia-approval", "ewp:iias", "ewp:institutions", "ewp:ounits",
    "indicators:report-live", "indicators:report-detail", "indicators:report-file", "indicators:report-job", "indicators:report-job-status",
    "indicators:report-new",
    "matching:gaps", "matching:gaps-csv", "matching:hearing-detail", "matching:hearing-new", "matching:home",
    "matching:invitation-action", "matching:match-detail", "matching:need-detail", "matching:need-list",
    "matching:need-new", "matching:proposal-detail", "matching:proposal-list", "matching:response-detail",
    "matching:run-action", "matching:run-detail", "matching:run-list", "matching:run-status",
    "matching:survey-answer", "matching:survey-detail", "matching:survey-invitations",
    "matching:survey-import", "matching:survey-import-mapping", "matching:survey-list", "matching:survey-new",
    "matching:survey-status",
}  # fmt: skip


def test_every_route_is_crawled_or_said_not_to_be_a_public_page() -> None:
    names = {
        name
        for route, name in _routes(get_resolver())
        if not route.startswith(("admin/", "api/", "^api/")) and not name.startswith(("api-v1", "admin:"))
    }
    unlisted = names - set(PUBLIC_PAGES) - NOT_PUBLIC_PAGES
    assert unlisted == set(), (
        f"add these routes to PUBLIC_PAGES (with their JSON-LD types) or NOT_PUBLIC_PAGES: {sorted(unlisted)}"
    )
    assert set(PUBLIC_PAGES) - {"portal:home"} <= set(pages.PAGES) | {"portal:home"}


def _nodes(html: str) -> list[dict[str, Any]]:
    found = SCRIPT.findall(html)
    assert found, "no JSON-LD on the page"
    nodes = [json.loads(text) for text in found]
    for node in nodes:
        assert node["@context"] == "https://schema.org", node
    return nodes


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_public_page_has_parseable_schema_org_json_ld_of_its_types(
    client: Any, demo_loaded: Any, settings: Any, tmp_path: Any, language: str
) -> None:
    settings.DATA_DIR = tmp_path
    bundle.build()
    failures = []
    for name, cases in PUBLIC_PAGES.items():
        for arguments, types in cases:
            with translation.override(language):
                url = reverse(name, kwargs=arguments())
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            nodes = _nodes(response.content.decode())
            found = {node["@type"] for node in nodes}
            if not types | {"WebSite"} <= found:
                failures.append((url, sorted(types - found)))
    assert failures == []


def test_a_program_is_a_course_with_its_provider_runs_and_offer(client: Any, demo_loaded: Any) -> None:
    program = _published()
    html = client.get(
        reverse("catalog:program-detail", args=[program.provider.key, program.code])
    ).content.decode()
    course = next(n for n in _nodes(html) if n["@type"] == "Course")
    assert course["courseCode"] == program.code
    assert course["provider"]["@type"] in {"CollegeOrUniversity", "Organization", "GovernmentOrganization"}
    assert course["hasCourseInstance"]
    if program.is_sample:
        assert "SAMPLE" in course["disambiguatingDescription"]


def test_the_network_page_lists_its_members(client: Any, demo_loaded: Any) -> None:
    network = Network.objects.order_by("pk")[0]
    html = client.get(reverse("portal:network-detail", args=[network.key])).content.decode()
    node = next(n for n in _nodes(html) if n["@type"] == "Organization")
    assert node["name"] == network.name_ja
    assert node["member"]
    assert all(m["url"].startswith("http") for m in node["member"])


def test_a_script_end_tag_in_a_name_cannot_close_the_json_ld(client: Any, owner_org: Any) -> None:
    owner_org.name_ja = "</script><script>alert(1)</script>大学"
    owner_org.save()
    html = client.get(reverse("portal:organisation-detail", args=[owner_org.key])).content.decode()
    assert "<script>alert(1)" not in html
    names = {n.get("name") for n in _nodes(html)}
    assert owner_org.name_ja in names


def test_a_partnership_page_has_its_activities_as_events_and_no_sample_one(
    client: Any, demo_loaded: Any
) -> None:
    partnership = Partnership.objects.get(key="utokyo-ntu-tw")
    nodes = _nodes(client.get(f"/en/partnerships/{partnership.key}/").content.decode())
    events = [n for n in nodes if n["@type"] == "Event"]
    real = Activity.objects.filter(partnership=partnership, is_sample=False)
    assert len(events) == real.count() > 0
    first = real.order_by("starts_on").first()
    event = next(e for e in events if e["name"] in {first.title_en, first.title_ja})
    assert event["startDate"].startswith(str(first.starts_on.year))
    assert [o["name"] for o in event["organizer"]] == [partnership.home.name_en, partnership.partner.name_en]
    partner = next(n for n in nodes if n.get("identifier") == partnership.partner.key)
    assert partner["@type"] == "CollegeOrUniversity"
    for activity in Activity.objects.filter(partnership=partnership, is_sample=True):
        assert all(e["name"] not in {activity.title_en, activity.title_ja} for e in events)


def test_a_missing_page_has_only_the_site_node(client: Any, db: None) -> None:
    response = client.get("/organisations/no-such-org/")
    assert response.status_code == 404
    assert [n["@type"] for n in _nodes(response.content.decode())] == ["WebSite"]


def test_a_sample_organisation_says_so_and_a_real_one_does_not(client: Any, db: None) -> None:
    from factories import OrganisationFactory, SourceFactory

    real, sample = SourceFactory(code="real-doc"), SourceFactory(code="made-up", is_sample=True)
    OrganisationFactory(key="real-u", kind="company").sources.add(real)
    OrganisationFactory(key="sample-co", kind="company").sources.add(sample)
    for key, expected in (("sample-co", True), ("real-u", False)):
        nodes = _nodes(client.get(f"/en/organisations/{key}/").content.decode())
        organisation = next(n for n in nodes if n.get("identifier") == key)
        assert ("disambiguatingDescription" in organisation) is expected, key
        if expected:
            assert organisation["disambiguatingDescription"].startswith("SAMPLE DATA")
