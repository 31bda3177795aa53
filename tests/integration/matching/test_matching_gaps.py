"""Gaps per skill and segment, STP targets, and proposals from a gap through their workflow."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from renkei.catalog import services as catalog_services
from renkei.catalog.models import Program
from renkei.matching import selectors, services
from renkei.matching.models import Need, Proposal, TargetSegment

pytestmark = pytest.mark.django_db


@pytest.fixture
def needs(matching_world):
    w = matching_world
    made = []
    for employer, text, people in (
        (w.employers[0], "品質管理の研修を受けたい", 8),
        (w.employers[0], "溶接と機械加工の技能を継承したい", 4),
        (w.employers[1], "溶接の基礎", 2),
    ):
        need = services.need_save(need=Need(organisation=employer, network=w.network, text=text, headcount=people),
                                  actor=None)  # fmt: skip
        services.need_match(need=need, actor=None)
        made.append(need)
    return made


def test_demand_supply_and_unmet_needs_per_skill_and_segment(matching_world, needs):
    w = matching_world
    TargetSegment.objects.create(network=w.network, industry="E", employees_band="50-99", area="06-okitama",
                                 position_ja="技能継承の講座がない")  # fmt: skip
    gaps = selectors.gaps(w.secretariat, w.network)
    rows = {r.concept.code: r for r in gaps.skills}
    quality, welding = rows["skill-quality-management"], rows["skill-welding"]
    assert (quality.needs, quality.people, quality.unmet, quality.programs, quality.seats) == (1, 8, 0, 1, 20)
    assert quality.upcoming_runs == 1
    assert (welding.needs, welding.people, welding.unmet, welding.unmet_people, welding.programs) == (
        2,
        6,
        2,
        6,
        0,
    )
    assert {n.pk for n in gaps.unmet} == {needs[1].pk, needs[2].pk}
    # segments, ranked by unmet people; the chosen target is marked
    first = gaps.segments[0]
    assert (first.industry, first.employees_band, first.area, first.unmet_people) == (
        "E",
        "50-99",
        "06-okitama",
        4,
    )
    assert first.target is not None
    assert first.target.position_ja == "技能継承の講座がない"
    heat = gaps.heat()
    assert [label for _c, label in heat["columns"]]
    assert sum(v for *_x, cells in heat["rows"] for v, _ in cells) == 6


def test_an_employer_sees_the_gaps_of_its_own_needs_only(matching_world, needs):
    gaps = selectors.gaps(matching_world.editors[1], matching_world.network)
    assert {n.pk for n in gaps.unmet} == {needs[2].pk}
    assert sum(s.needs for s in gaps.segments) == 1
    assert selectors.gaps(None, matching_world.network).skills == []


def test_a_proposal_from_a_gap_names_its_evidence_and_moves_to_launched_with_its_program(
    matching_world, needs
):
    w = matching_world
    welding = w.skill["skill-welding"]
    proposal = services.proposal_draft_from_gap(
        network=w.network, skills=[welding], actor=w.secretariat, key="weld"
    )
    assert set(proposal.needs.all()) == {needs[1], needs[2]}
    assert set(proposal.employers()) == set(w.employers)
    assert proposal.status == "proposed"
    assert "溶接" in proposal.title_ja
    assert proposal.summary_en == "Proposed from 2 unmet needs of 2 employers."
    # best placed: A, which teaches a program on the skill once it has one
    program = Program(provider=w.a, code="WELD", title_ja="溶接入門", status=Program.Status.DRAFT)
    catalog_services.program_save(program=program, actor=None, skills=[welding], shared_with=[w.network])
    assert services.best_placed(w.network.pk, {welding.pk}) == []  # a draft is no evidence
    # workflow: proposed → in development → launched, with the published program
    services.proposal_set_status(proposal=proposal, status="in_development", actor=w.secretariat)
    with pytest.raises(ValidationError) as refused:
        services.proposal_set_status(
            proposal=proposal, status="launched", actor=w.secretariat, program=program
        )
    assert "公開されたプログラム" in str(refused.value)
    catalog_services.program_set_status(program=program, status="published", actor=None)
    program.refresh_from_db()
    services.proposal_set_status(proposal=proposal, status="launched", actor=w.secretariat, program=program)
    assert Proposal.objects.get(pk=proposal.pk).program == program
    assert services.best_placed(w.network.pk, {welding.pk})[0]["organisation"] == w.a.pk
    with pytest.raises(ValidationError):
        services.proposal_set_status(proposal=proposal, status="proposed", actor=w.secretariat)


def test_a_proposal_is_the_coordinators_and_cites_only_its_networks_needs(
    matching_world, needs, other_network
):
    from django.core.exceptions import PermissionDenied

    w = matching_world
    with pytest.raises(PermissionDenied):
        services.proposal_draft_from_gap(network=w.network, skills=[w.skill["skill-welding"]], actor=w.editors[0],
                                         key="x")  # fmt: skip
    foreign = Proposal(network=other_network, key="y", title_ja="他ネットワークの案")
    with pytest.raises(PermissionDenied):
        services.proposal_save(proposal=foreign, actor=None, needs=[needs[0]])
    assert not Proposal.objects.exists()


def test_a_runs_stored_unmet_threshold_decides_its_gaps(matching_world, needs):
    from renkei.matching.models import MatchRun

    w = matching_world
    quality = needs[0]
    run = MatchRun.objects.filter(need=quality).latest("pk")
    assert run.parameters["unmet_below"] == selectors.UNMET_BELOW  # stored with the run
    best = run.matches.order_by("-score").first()
    assert best is not None
    assert best.score >= selectors.UNMET_BELOW
    assert quality.pk not in {n.pk for n in selectors.gaps(w.secretariat, w.network).unmet}
    # the same run read with a stricter threshold than its best score: the need is unmet
    run.parameters = {**run.parameters, "unmet_below": min(1.0, best.score + 0.01)}
    services.match_run_save(match_run=run, actor=None)
    assert quality.pk in {n.pk for n in selectors.gaps(w.secretariat, w.network).unmet}
    # the engine is not given the run's own parameter: the run is still reproduced
    assert services.match_run_reproduce(run)[0]
