"""The demo registry: idempotent and audited loading, and the facts of the four source documents."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter, defaultdict
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from renkei.core.audit import Via, audit_context
from renkei.core.loading import SeedRejected
from renkei.core.models import AuditEntry
from renkei.demo.loader import SEED_DIR, load_demo
from renkei.networks.models import Body, BodyParticipant, DeclaredCount, Document, Membership, Network, Post
from renkei.organisations.models import Organisation
from renkei.organisations.services import organisation_save
from renkei.taxonomy.models import Concept
from renkei.taxonomy.services import concept_save

ALLIANCE = "tohoku-sosei-alliance"
FOUNDED = dt.date(2021, 3, 12)


# --- loading ---------------------------------------------------------------------------------------------


def test_the_first_load_is_audited_via_the_command(demo_loaded):
    # given: the first load (module fixture)
    entries = AuditEntry.objects.filter(via=Via.COMMAND, label="loaddemo")
    created = Counter(
        entry.content_type.model_class().__name__ for entry in entries.filter(action=AuditEntry.Action.CREATE)
    )
    # then: one creation entry per row the report counts as created
    assert demo_loaded.writes > 300
    registry = ("Source", "Organisation", "Identifier", "GroupComponent", "Network", "Membership", "Body")
    for name in registry:
        reported = demo_loaded.created[name] + demo_loaded.created[f"{name} (sample)"]
        assert created[name] == reported > 0, name
    assert not entries.exclude(action__in=[AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE]).exists()
    assert not entries.filter(actor__isnull=False).exists()


def test_loading_twice_writes_nothing_the_second_time(demo_loaded):
    # given
    entries = AuditEntry.objects.count()
    # when
    report = load_demo()
    # then
    assert report.writes == 0
    assert AuditEntry.objects.count() == entries
    for name, count in demo_loaded.created.items():  # every row created then is matched now
        assert report.unchanged[name] >= count, name


def test_a_reload_repairs_only_what_differs(demo_loaded):
    # given: someone edited one fact
    tohoku = Organisation.objects.get(key="tohoku-u")
    tohoku.name_en = "Edited"
    tohoku.save()
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    # when
    report = load_demo()
    # then
    assert report.writes == 1
    assert +report.updated == {"Organisation": 1}  # (+ drops the zero counts)
    [entry] = AuditEntry.objects.filter(id__gt=last)
    assert (entry.object_id, entry.action, entry.via, entry.label) == (
        str(tohoku.pk),
        "update",
        Via.COMMAND,
        "loaddemo",
    )
    assert entry.changes == {"name_en": ["Edited", "Tohoku University"]}


def test_a_reload_counts_the_source_links_it_restores(demo_loaded):
    # given
    tohoku = Organisation.objects.get(key="tohoku-u")
    tohoku.sources.clear()
    # when
    report = load_demo()
    # then
    assert tohoku.sources.exists()
    assert report.writes >= 1


def test_the_loaddemo_command_says_nothing_was_written_on_a_second_run(demo_loaded):
    # given
    out = StringIO()
    # when
    with translation.override("en"):
        call_command("loaddemo", stdout=out)
    # then
    output = out.getvalue()
    assert "nothing written" in output
    assert "created    0" in output
    assert "rows written" not in output


def test_every_row_is_written_by_its_own_save_service(demo_loaded):
    # given: the first load (module fixture)
    services: defaultdict[str, set[str]] = defaultdict(set)
    for model_name, service in (
        AuditEntry.objects.filter(label="loaddemo").values_list("content_type__model", "service").distinct()
    ):
        services[model_name].add(service)
    # then: the services users' writes go through, not one loader service around them all
    assert services["organisation"] == {"organisations.organisation_save"}
    assert services["identifier"] == {"organisations.identifier_save"}
    assert services["membership"] == {"networks.membership_save"}
    assert services["body"] == {"networks.body_save"}
    assert services["program"] == {"catalog.program_save"}
    assert services["programrun"] == {"catalog.program_run_save"}
    assert services["curriculumunit"] == {"catalog.curriculum_unit_save"}
    assert services["concept"] == {"taxonomy.taxonomy_import"}


# --- edits by people survive a reload (issue 9, item 10) --------------------------------------------------


def _edit_in_the_admin(user, organisation, **values):
    with audit_context(via=Via.ADMIN, actor=user):
        for name, value in values.items():
            setattr(organisation, name, value)
        organisation_save(organisation=organisation, actor=user)


def _seed_copy(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    """The demo seeds with some lines of organisations.toml replaced (each must occur once)."""
    seed = tmp_path / "seed"
    shutil.copytree(SEED_DIR, seed)
    path = seed / "organisations.toml"
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return seed


def test_a_reload_keeps_what_a_person_changed_in_the_admin(demo_loaded, superuser):
    # given: an editor renamed a seeded organisation in the admin (one that provides no sample
    # programs: their generated descriptions name the provider, and would follow the new name)
    utokyo = Organisation.objects.get(key="utokyo")
    _edit_in_the_admin(superuser, utokyo, name_ja="東京大学（管理画面で編集）")
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    # when: the demo starts again
    report = load_demo()
    # then: the edit stays, the report says so, and nothing was written
    assert Organisation.objects.get(key="utokyo").name_ja == "東京大学（管理画面で編集）"
    assert +report.kept == {"Organisation": 1}
    assert report.writes == 0
    assert not AuditEntry.objects.filter(id__gt=last).exists()


def test_a_reload_keeps_a_concept_a_person_changed(demo_loaded, superuser):
    # given
    concept = Concept.objects.filter(scheme__key="renkei-starter").order_by("pk").first()
    with audit_context(via=Via.ADMIN, actor=superuser):
        concept.label_en = "Edited in the admin"
        concept_save(concept=concept, actor=superuser)
    # when
    report = load_demo()
    # then
    concept.refresh_from_db()
    assert concept.label_en == "Edited in the admin"
    assert +report.kept == {"Concept": 1}
    assert report.writes == 0


def test_a_changed_seed_updates_the_rows_nobody_edited(demo_loaded, superuser, tmp_path):
    # given: a person edited UTokyo; the seed now names Bordeaux and UTokyo differently
    _edit_in_the_admin(superuser, Organisation.objects.get(key="utokyo"), name_en="UTokyo (edited)")
    seed = _seed_copy(
        tmp_path,
        ('name_en = "University of Bordeaux"', 'name_en = "University of Bordeaux (new seed)"'),
        ('name_en = "The University of Tokyo"', 'name_en = "The University of Tokyo (new seed)"'),
    )
    # when
    report = load_demo(seed_dir=seed)
    # then: the row nobody edited follows the seed; the edited one stays as the person left it
    assert Organisation.objects.get(key="u-bordeaux").name_en == "University of Bordeaux (new seed)"
    assert Organisation.objects.get(key="utokyo").name_en == "UTokyo (edited)"
    assert +report.updated == {"Organisation": 1}
    assert +report.kept == {"Organisation": 1}


def test_a_row_the_system_rewrote_after_the_person_follows_the_seed_again(demo_loaded, superuser, tmp_path):
    # given: a person's edit, then a command (no one signed in) put the row back as the seed had it
    utokyo = Organisation.objects.get(key="utokyo")
    _edit_in_the_admin(superuser, utokyo, name_en="UTokyo (edited)")
    with audit_context(via=Via.COMMAND, label="a repair"):
        utokyo.name_en = "The University of Tokyo"
        organisation_save(organisation=utokyo, actor=None)
    seed = _seed_copy(
        tmp_path, ('name_en = "The University of Tokyo"', 'name_en = "The University of Tokyo (new seed)"')
    )
    # when
    report = load_demo(seed_dir=seed)
    # then: the person's change is no longer the latest word on the row
    assert Organisation.objects.get(key="utokyo").name_en == "The University of Tokyo (new seed)"
    assert +report.updated == {"Organisation": 1}
    assert not +report.kept


def test_a_seeded_row_that_breaks_a_rule_is_refused_and_nothing_is_written(demo_loaded, tmp_path):
    # given: a seed whose Tohoku lies in a Tokyo municipality but in Miyagi (04)
    seed = _seed_copy(
        tmp_path,
        ('prefecture = "04"\nmunicipality_code = "04100"\naddress_ja = "宮城県仙台市青葉区片平2-1-1"',
         'prefecture = "04"\nmunicipality_code = "13101"\naddress_ja = "宮城県仙台市青葉区片平2-1-1"'),
    )  # fmt: skip
    entries = AuditEntry.objects.count()
    # when
    with pytest.raises(SeedRejected) as refused:
        load_demo(seed_dir=seed)
    # then: the message names the row, in both languages; every table is as it was
    assert "key=tohoku-u" in refused.value.message.ja
    assert "13101" in refused.value.message.en
    assert Organisation.objects.get(key="tohoku-u").municipality_code == "04100"
    assert AuditEntry.objects.count() == entries


def test_the_loaddemo_command_says_what_it_kept(demo_loaded, superuser):
    # given
    _edit_in_the_admin(superuser, Organisation.objects.get(key="utokyo"), name_en="UTokyo (edited)")
    out = StringIO()
    # when
    with translation.override("en"):
        call_command("loaddemo", stdout=out)
    # then
    lines = out.getvalue().splitlines()
    [organisations] = [
        line for line in lines if line.strip().startswith("Organisation ") and "(sample)" not in line
    ]
    assert organisations.endswith("kept    1")
    assert "nothing written" in out.getvalue()
    assert any(line.startswith("Kept 1 rows that people changed") for line in lines)


# --- 000: 東北創成国立大学アライアンス ---------------------------------------------------------------------


def test_the_alliance_has_eight_members_since_its_founding(demo_loaded):
    members = Membership.objects.filter(network__key=ALLIANCE, role=Membership.Role.MEMBER)
    assert sorted(members.values_list("organisation__key", flat=True)) == sorted(
        [
            "hirosaki-u",
            "iwate-u",
            "tohoku-u",
            "miyakyo-u",
            "akita-u",
            "yamagata-u",
            "fukushima-u",
            "niigata-u",
        ]
    )
    assert set(members.values_list("start_date", flat=True)) == {FOUNDED}
    assert set(members.values_list("end_date", flat=True)) == {None}
    assert {m.source.code for m in members} == {"000"}


def test_tohoku_university_is_the_alliance_secretariat(demo_loaded):
    network = Network.objects.get(key=ALLIANCE)
    secretariat = Membership.objects.get(network=network, role=Membership.Role.SECRETARIAT)
    assert secretariat.organisation.name_ja == "東北大学"
    assert secretariat.start_date == FOUNDED
    assert secretariat.end_date is None
    assert network.founded_on == FOUNDED


def test_the_alliance_bylaws_version_1_is_in_effect_from_the_founding(demo_loaded):
    # given
    bylaws = Document.objects.get(network__key=ALLIANCE, kind=Document.Kind.BYLAWS)
    # when
    version = bylaws.versions.get(number=1)
    # then
    assert version.effective_from == FOUNDED
    assert "第6条" in version.text_ja
    assert "互選" in version.text_ja
    assert not bylaws.versions.filter(effective_from__lt=FOUNDED).exists()  # none in effect before


def test_the_chair_is_elected_among_the_members(demo_loaded):
    chair = Post.objects.get(body__network__key=ALLIANCE, body__key="steering-council", role=Post.Role.CHAIR)
    assert chair.selection == Post.Selection.ELECTED_AMONG_MEMBERS
    assert chair.label_ja == "議長"
    assert chair.seats == 1


def test_the_liaison_councils_report_to_the_chair(demo_loaded):
    liaison = Body.objects.get(network__key=ALLIANCE, kind=Body.Kind.LIAISON_COUNCIL)
    assert liaison.reports_to_post is not None
    assert liaison.reports_to_post.role == Post.Role.CHAIR
    assert liaison.reports_to_post.body.key == "steering-council"


# --- 002: やまがた社会共創プラットフォーム ------------------------------------------------------------------


def test_the_yamagata_platform_declares_its_counts(demo_loaded):
    counts = dict(
        DeclaredCount.objects.filter(network__key="yamagata-platform").values_list("subject", "value")
    )
    assert counts == {"members": 59, "heis": 13, "prefecture": 1, "municipalities": 35, "associations": 10}


def test_the_yamagata_platform_lists_exactly_the_35_municipalities(demo_loaded):
    memberships = Membership.objects.filter(
        network__key="yamagata-platform", organisation__kind=Organisation.Kind.MUNICIPALITY
    )
    assert memberships.count() == 35
    assert memberships.values("organisation").distinct().count() == 35
    # local governments of their own, located in the prefecture (not units of it)
    assert set(memberships.values_list("organisation__parent__key", flat=True)) == {None}
    assert set(memberships.values_list("organisation__prefecture", flat=True)) == {"06"}
    assert not Organisation.objects.filter(parent__key="yamagata-pref").exists()


def test_the_recurrent_education_division_has_its_participants(demo_loaded):
    # given
    division = Body.objects.get(network__key="yamagata-platform", kind=Body.Kind.DIVISION)
    participants = BodyParticipant.objects.filter(body=division).select_related("organisation")
    # then
    secretariat = [p.organisation.key for p in participants if p.role == BodyParticipant.Role.SECRETARIAT]
    others = [p.organisation.name_ja for p in participants if p.role == BodyParticipant.Role.PARTICIPANT]
    assert secretariat == ["yamagata-u"]
    assert len(others) == 16
    assert "山形県中小企業家同友会" in others
    assert division.is_provisional_name


# --- 003: 東京大学 戦略的パートナーシップ / 大学の国際化促進フォーラム --------------------------------------------


@pytest.mark.parametrize("code", ["法", "医", "工", "東文研", "IPMU", "IRCN", "IFI", "病院"])
def test_utokyo_has_the_units_of_the_legend(demo_loaded, code):
    unit = Organisation.objects.get(parent__key="utokyo", code=code)
    assert unit.is_unit
    assert unit.root_id() == Organisation.objects.get(key="utokyo").pk


@pytest.mark.parametrize(
    ("group", "size"), [("paris-group", 6), ("stockholm-group", 3), ("chile-mexico-group", 5)]
)
def test_partner_groups_have_their_components(demo_loaded, group, size):
    organisation = Organisation.objects.get(key=group)
    assert organisation.kind == Organisation.Kind.INSTITUTION_GROUP
    assert organisation.components.count() == size


def test_the_paris_group_is_the_grandes_ecoles(demo_loaded):
    group = Organisation.objects.get(name_ja="パリ・グランゼコール群")
    assert list(group.components.order_by("sort_order").values_list("member__key", flat=True)) == [
        "polytechnique",
        "enpc",
        "ens-paris-saclay",
        "ens-psl",
        "cnrs",
        "u-bordeaux",
    ]


def test_the_forum_declares_18_universities_and_19_projects(demo_loaded):
    counts = dict(
        DeclaredCount.objects.filter(network__key="internationalization-forum").values_list(
            "subject", "value"
        )
    )
    assert counts["universities"] == 18
    assert counts["projects"] == 19


# --- provenance ----------------------------------------------------------------------------------------------


def test_every_organisation_has_a_source(demo_loaded):
    assert Organisation.objects.count() > 100
    assert list(Organisation.objects.filter(sources__isnull=True).values_list("key", flat=True)) == []


def test_every_network_has_a_source(demo_loaded):
    assert list(Network.objects.filter(sources__isnull=True).values_list("key", flat=True)) == []


def test_a_signed_agreement_version_stays_as_signed_when_the_seed_text_changes(demo_loaded, tmp_path):
    # given: a seed whose wording changed for signed sample versions and for one still in negotiation
    from renkei.partnerships.models import AgreementVersion

    seed = tmp_path / "seed"
    shutil.copytree(SEED_DIR, seed)
    path = seed / "partnerships_samples.toml"
    text = path.read_text(encoding="utf-8")
    for old, new in (
        (
            'scope_en = "Graduate student exchange (no tuition charged by either side)"',
            'scope_en = "Reworded"',
        ),
        ('scope_en = "Joint research in Japanese studies and graduate workshops"', 'scope_en = "Open (new)"'),
    ):
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    # when: the demo is loaded again (a restart of `renkei demo` on an existing data dir)
    report = load_demo(seed_dir=seed)
    # then: the load goes through; the signed versions keep their text, the open one follows the seed
    assert report.kept["AgreementVersion"] == 2
    assert report.updated["AgreementVersion"] == 1
    signed = AgreementVersion.objects.filter(agreement__key="sample-utokyo-tum-exchange")
    assert [v.is_signed for v in signed] == [True, True]
    assert {v.scope_en for v in signed} == {"Graduate student exchange (no tuition charged by either side)"}
    open_version = AgreementVersion.objects.get(agreement__key="sample-utokyo-uchicago-research", number=1)
    assert open_version.scope_en == "Open (new)"


def test_the_partnership_facts_of_003_and_001(demo_loaded):
    """Spot checks against ../shared/seeds/003 and 001, typed here from the sources."""
    from renkei.partnerships.models import (
        Activity,
        AgreementVersion,
        JointDegreeFigure,
        JointDegreePartner,
        JointFund,
        NetworkProject,
        Participation,
    )

    def activity(key: str) -> Activity:
        return Activity.objects.get(key=key)

    # ETHZ's third symposium in 2019 with over 100 participants
    ethz = activity("ethz-symposium-3")
    assert (ethz.starts_on.year, ethz.participants, ethz.participants_qualifier) == (2019, 100, "over")
    # Tsinghua's online language exchange of March 2021: 60 + 60 students; a second round in October 2021
    first = activity("tsinghua-language-exchange-1")
    assert (first.starts_on, first.mode, first.participants) == (dt.date(2021, 3, 1), "online", 120)
    sides = Participation.objects.filter(activity=first).values_list("side", "count")
    assert sorted(sides) == [("home", 60), ("partner", 60)]
    assert activity("tsinghua-language-exchange-2").starts_on == dt.date(2021, 10, 1)
    # NTU's joint conference hosted in turn since FY2015, about 250 at the 2019 one
    assert (activity("ntu-joint-conference").host, activity("ntu-joint-conference").starts_on.year) == (
        "alternating",
        2015,
    )
    ntu_2019 = activity("ntu-joint-conference-2019")
    assert (ntu_2019.participants, ntu_2019.participants_qualifier) == (250, "about")
    # the TUM workshops of 2018, 2020 and 2021; Cambridge's symposia since 2015 and the November 2020 webinar
    tum = Activity.objects.filter(partnership__partner__key="tum", kind="workshop")
    assert sorted(a.starts_on.year for a in tum) == [2018, 2020, 2021]
    assert activity("cambridge-joint-symposia").starts_on.year == 2015
    assert activity("cambridge-voices-education-covid").starts_on == dt.date(2020, 11, 1)
    # the memoranda: Princeton January 2013, SNU and PKU 2015
    mous = {
        v.agreement.partnership.partner.key: v.valid_from
        for v in AgreementVersion.objects.filter(agreement__kind="strategic_mou")
    }
    assert mous == {
        "princeton": dt.date(2013, 1, 1),
        "snu": dt.date(2015, 1, 1),
        "pku": dt.date(2015, 1, 1),
    }
    # the Princeton fund: 9 calls and 29 projects, declared
    fund = JointFund.objects.get(key="princeton-utokyo-joint-fund")
    assert (fund.declared_calls, fund.declared_projects) == (9, 29)
    # the forum's UTokyo project (the forum's 18 universities and 19 projects: test above)
    assert (
        NetworkProject.objects.filter(network__key="internationalization-forum", lead__key="utokyo").count()
        == 1
    )
    # Tohoku: FY2019 figures, and Mainz first of the partner universities named
    figures = dict(JointDegreeFigure.objects.filter(fiscal_year=2019).values_list("metric", "value"))
    assert figures == {
        "programs": 9,
        "partners": 20,
        "enrolment": 197,
        "graduates": 21,
        "funding_yen": 290_000_000,
    }
    named = JointDegreePartner.objects.order_by("sort_order").values_list("partner__key", flat=True)
    assert list(named) == ["uni-mainz", "uni-heidelberg", "rwth-aachen", "uppsala-u", "case-western"]
