"""The API as a client sees it: schemathesis against the live OpenAPI document, with zero failures.

Every phase runs (examples, coverage, fuzzing, and stateful where the document has links) with all
checks, on the demo data, in this process (no network; see contract_runner). The budget is bounded
(RENKEI_SCHEMATHESIS_EXAMPLES per operation, 25 by default) so that CI stays fast; the number of
generated cases is printed.

Cursors cannot be made up: the document gives each list's `cursor` the format "cursor-<list>", and
this test lets schemathesis draw real cursors of that list (positions of demo rows).

Writes are exercised too: schemathesis sends an API token (read and write) of an editor at tohoku-u,
the organisation the document's examples name, so the examples phase creates a program there and the
stateful phase follows the links of the 201 (read, change, add a run, delete). A body can be well
formed and still not be savable: it names an organisation or a concept that does not exist, or breaks
a rule across members (a run that ends before it starts, a latitude without its longitude); the
document cannot say that, so for the write operations a 422 is an expected answer to valid data
(`positive_data_acceptance`); every other check holds as for the reads. The same holds for the
program search's facets: a well-formed provider key or concept code that names nothing is a 422. Throttling is off here (its
own tests are in tests/functional/api/test_api_throttling.py).
"""

from __future__ import annotations

import os

import pytest
from contract_runner import REPORT, run
from django.db import connection
from django.db.models import Count
from hypothesis import strategies as st
from schemathesis.specs.openapi.formats import register_string_format, unregister_string_format

from renkei.api import indicators as indicators_api
from renkei.catalog import selectors as catalog
from renkei.catalog.models import ProgramIndex
from renkei.core.models import AuditEntry
from renkei.core.pagination import encode_cursor
from renkei.networks import selectors as networks
from renkei.organisations import selectors as organisations
from renkei.partnerships import selectors as partnerships
from renkei.wsgi import application

MAX_EXAMPLES = int(os.environ.get("RENKEI_SCHEMATHESIS_EXAMPLES", "25"))


def _real_cursors() -> dict[str, list[str]]:
    """A few real cursors of each list: positions of the first, a middle and the last demo rows."""

    def spread(keyset, qs) -> list[str]:
        rows = list(keyset.order(qs))
        picks = {rows[0], rows[len(rows) // 2], rows[-1]} if rows else set()
        return sorted(keyset.cursor(row) for row in picks)

    programs = list(ProgramIndex.objects.order_by("program_id").values_list("program_id", flat=True)[:5])
    return {
        "organisations": spread(
            organisations.ORGANISATION_KEYSET, organisations.organisation_list(user=None)
        ),
        "networks": spread(networks.NETWORK_KEYSET, networks.network_list(user=None)),
        "partnerships": spread(partnerships.PARTNERSHIP_KEYSET, partnerships.partnership_list(user=None)),
        "partnership-funds": spread(partnerships.FUND_KEYSET, partnerships.fund_list(user=None)),
        "joint-degree-programs": spread(
            partnerships.JOINT_DEGREE_KEYSET, partnerships.joint_degree_list(user=None)
        ),
        "joint-degree-partners": spread(
            partnerships.JOINT_DEGREE_PARTNER_KEYSET, partnerships.joint_degree_partner_list(user=None)
        ),
        "joint-degree-figures": spread(
            partnerships.JOINT_DEGREE_FIGURE_KEYSET, partnerships.joint_degree_figure_list(user=None)
        ),
        "network-projects": spread(
            partnerships.NETWORK_PROJECT_KEYSET, partnerships.network_project_list(user=None)
        ),
        "partnership-mobility": spread(
            partnerships.MOBILITY_KEYSET,
            partnerships.mobility_list(
                user=None, partnership=partnerships.partnership_get(user=None, key="utokyo-ntu-tw")
            ),
        ),
        "memberships": spread(networks.MEMBERSHIP_KEYSET, networks.membership_list(user=None)),
        "bodies": spread(networks.BODY_KEYSET, networks.body_list(user=None)),
        "posts": spread(networks.POST_KEYSET, networks.post_list(user=None)),
        "documents": spread(networks.DOCUMENT_KEYSET, networks.document_list(user=None)),
        "meetings": spread(networks.MEETING_KEYSET, networks.meeting_list(user=None)),
        "contents": spread(catalog.CONTENT_KEYSET, catalog.content_list(user=None)),
        "curricula": spread(catalog.CURRICULUM_KEYSET, catalog.curricula(user=None)),
        "providers": spread(
            catalog.PROVIDER_KEYSET,
            catalog.Organisation.objects.filter(
                pk__in=[s.organisation.pk for s in catalog.provider_list(user=None)]
            ),
        ),
        "initiatives": spread(indicators_api.INITIATIVE_KEYSET, indicators_api.initiative_list()),
        "indicators": spread(indicators_api.INDICATOR_KEYSET, indicators_api.indicator_list(None)),
        **_matching_cursors(spread),
        catalog.PROGRAM_CURSOR: [
            encode_cursor(catalog.PROGRAM_CURSOR, [tier, pk]) for tier in (0, 1, 2) for pk in programs
        ],
    }


def _matching_cursors(spread) -> dict[str, list[str]]:
    from renkei.api import matching as api
    from renkei.matching.models import MatchRun, Need, Proposal

    return {
        api.NEED_KEYSET.name: spread(api.NEED_KEYSET, Need.objects.all()),
        api.RUN_KEYSET.name: spread(api.RUN_KEYSET, MatchRun.objects.all()),
        api.PROPOSAL_KEYSET.name: spread(api.PROPOSAL_KEYSET, Proposal.objects.all()),
    }


WRITE_METHODS = ["POST", "PATCH", "PUT", "DELETE"]
FACET_READS = ["programs_list", "programs_geojson"]


def _write_token(api_token) -> str:
    """A read-write token of an editor at tohoku-u (the organisation of the document's examples)."""
    from factories import AffiliationFactory, UserFactory

    from renkei.organisations.models import Organisation

    tohoku = Organisation.objects.get(key="tohoku-u")
    editor = AffiliationFactory(
        user=UserFactory(username="contract-editor"), organisation=tohoku, role="editor"
    ).user
    return api_token(editor, tohoku)


def _meetings() -> None:
    """The demo's sources record no meeting: two of the test's own (one public), so that the meetings
    routes answer with rows."""
    from factories import AgendaItemFactory, MeetingFactory

    from renkei.networks.models import Body

    body = Body.objects.order_by("pk").first()
    AgendaItemFactory(meeting=MeetingFactory(body=body, is_public=True))
    MeetingFactory(body=body, is_public=False)


# hypothesis warns when it prints a long generated body (20,000-character texts are valid members)
@pytest.mark.filterwarnings("ignore:Generating overly large repr")
def test_the_api_keeps_its_openapi_contract(demo_loaded, api_token, settings):
    # given: the demo registry and catalog, real cursors of every list, a token that writes
    settings.RENKEI_API_RATES = dict.fromkeys(("token", "user", "address", "failure"), "1000000/min")
    token = _write_token(api_token)
    _meetings()
    cursors = _real_cursors()
    assert all(cursors.values()), {name: len(values) for name, values in cursors.items()}
    for name, values in cursors.items():
        register_string_format(f"cursor-{name}", st.sampled_from(values))
    # when
    try:
        result = run(
            app=application,
            path="/api/v1/openapi.json",
            config={
                "seed": 14,
                "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
                "workers": 1,
                "auth": {"openapi": {"BearerToken": {"bearer": token}}, "auto-signup": False},
                "operations": [
                    {
                        "include-method": WRITE_METHODS,
                        "checks": {
                            "positive_data_acceptance": {
                                "expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]
                            }
                        },
                    },
                    {
                        # a facet value that names no concept or provider is refused with a 422 that
                        # names it (issue 10): which keys and codes exist is data, not in the document
                        "include-operation-id": FACET_READS,
                        "checks": {
                            "positive_data_acceptance": {
                                "expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]
                            }
                        },
                    },
                ],
            },
        )
    finally:
        for name in cursors:
            unregister_string_format(f"cursor-{name}")
    # then
    writes = dict(
        AuditEntry.objects.filter(via="api", action="create")
        .values_list("service")
        .annotate(n=Count("pk"))
        .values_list("service", "n")
    )
    REPORT.extend(
        [
            f"{connection.vendor}: {result.summary()}",
            f"{connection.vendor}: records created through the API: {writes}",
            *result.failures(),
            *result.errors,
        ]
    )
    assert result.total_cases > 0
    assert writes.get("catalog.program_save", 0) > 0, writes  # the writes were exercised, not only refused
    # the networks' writes too: the document's examples name the alliance, whose secretariat is tohoku-u,
    # and its steering council (a demo record: the example is a write the token may make)
    assert writes.get("networks.membership_save", 0) > 0, writes
    assert writes.get("networks.meeting_save", 0) > 0, writes
    assert not result.failures(), result.summary()
    assert not result.errors, result.summary()
