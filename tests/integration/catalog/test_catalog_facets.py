"""Facet counts equal a naive count in Python: over the text-matched, visible programs, each facet
with every OTHER facet's selection applied (values within a facet are ORed)."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from catalog_corpus import corpus_runs, corpus_values
from django.utils import timezone
from factories import OrganisationFactory

from renkei.catalog import services
from renkei.catalog.models import FeeBand, Program, ProgramRun
from renkei.catalog.selectors import program_search

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
MUNICIPALITIES = [("06", "06201"), ("06", "06204"), ("04", "04100"), ("", "")]


@pytest.fixture(scope="module")
def corpus_database(django_db_setup, django_db_blocker):
    """150 generated programs, made once for the module inside a transaction rolled back at the end."""
    from django.db import transaction

    from renkei.core.audit import Via, audit_context
    from renkei.taxonomy.models import Concept, Scheme

    with django_db_blocker.unblock(), audit_context(via=Via.TEST), transaction.atomic():
        rng = random.Random(3)
        providers = [OrganisationFactory(key=key) for key in ("fa-u", "fb-u", "fc-u")]
        scheme = Scheme.objects.create(key="facets", name_ja="分類")
        fields = [
            Concept.objects.create(scheme=scheme, code=f"f{i}", kind="field", label_ja=f"分野{i}")
            for i in range(3)
        ]
        skills = [
            Concept.objects.create(scheme=scheme, code=f"s{i}", kind="skill", label_ja=f"技能{i}")
            for i in range(3)
        ]
        for i in range(150):
            prefecture, municipality = rng.choice(MUNICIPALITIES)
            program = Program(
                provider=rng.choice(providers),
                code=f"F{i:03d}",
                prefecture=prefecture,
                municipality_code=municipality,
                **corpus_values(rng, i),
            )
            program.save()
            program.fields.set(rng.sample(fields, rng.choice([0, 1, 1, 2])))
            program.skills.set(rng.sample(skills, rng.choice([0, 1, 2, 3])))
            runs = [ProgramRun(program=program, starts_on=d) for d in corpus_runs(rng, TODAY)]
            ProgramRun.objects.bulk_create(runs)
        services.programs_reindex()
        yield {"fields": fields, "skills": skills}
        transaction.set_rollback(True)


@pytest.fixture
def corpus(corpus_database, db):
    return (
        Program.objects.select_related("provider").prefetch_related("fields", "skills", "runs").order_by("pk")
    )


def _values(program: Program) -> dict[str, set[str]]:
    """What each facet sees of one program, as URL values."""
    runs = sorted(r.starts_on for r in program.runs.all())
    upcoming = [d for d in runs if d >= TODAY]
    month = (upcoming or runs or [None])[0]
    return {
        "field": {str(c.pk) for c in program.fields.all()},
        "skill": {str(c.pk) for c in program.skills.all()},
        "mode": {program.mode},
        "provider": {program.provider.key},
        "prefecture": {program.prefecture},
        "municipality": {program.municipality_code},
        "level": {program.level},
        "fee": {FeeBand.of(program.fee_yen).value},
        "start": {f"{month:%Y-%m}"} if month else {""},
        "subsidy": {"1" if program.subsidy_kyouiku_kunren else "0"},
    }


def _naive(programs, matched_codes: set[str], selection: dict[str, list[str]]):
    rows = [(p, _values(p)) for p in programs if p.status == "published" and p.code in matched_codes]

    def passes(values, skip=None):
        return all(values[k] & set(v) for k, v in selection.items() if k != skip)

    total = sum(1 for _, values in rows if passes(values))
    counts = {}
    for facet in _values(programs[0]):
        counter = Counter()
        for _, values in rows:
            if passes(values, skip=facet):
                counter.update(v for v in values[facet] if v != "")
        counts[facet] = counter
    return total, counts


def _matched(query: str) -> set[str]:
    result = program_search(user=None, query=query, page_size=100)
    codes = set()
    for page in range(1, result.pages + 1):
        codes |= {p.code for p in program_search(user=None, query=query, page_size=100, page=page).items}
    return codes


SELECTIONS = [
    {},
    {"mode": ["online"]},
    {"mode": ["online", "hybrid"], "fee": ["free", "le10k"]},
    {"field": ["informatics"], "skill": ["python", "analysis"]},
    {"provider": ["fa-u", "fc-u"], "subsidy": ["1"]},
    {"prefecture": ["06"], "level": ["introductory", "advanced"]},
    {"municipality": ["06201"], "start": ["__first_month__"]},
    {"skill": ["quality"], "mode": ["onsite"], "fee": ["unknown", "gt50k"], "provider": ["fb-u"]},
]


@pytest.mark.parametrize("query", ["", "データ", "品質", "management", "-看護"])
@pytest.mark.parametrize("selection", SELECTIONS, ids=[str(i) for i in range(len(SELECTIONS))])
def test_facet_counts_equal_a_naive_count(corpus, corpus_database, query, selection):
    programs = list(corpus)
    fields, skills = corpus_database["fields"], corpus_database["skills"]
    ids = {"informatics": fields[0], "python": skills[0], "analysis": skills[1], "quality": skills[2]}
    selection = {
        key: [str(ids[v].pk) if v in ids else v for v in values] for key, values in selection.items()
    }
    if selection.get("start") == ["__first_month__"]:
        months = sorted(m for p in programs for m in _values(p)["start"] if m)
        selection["start"] = [months[len(months) // 2]]
    matched = _matched(query)
    # when
    result = program_search(user=None, query=query, facets=selection, page_size=100)
    # then
    total, naive = _naive(programs, matched, selection)
    assert result.total == total
    for facet in result.facets:
        got = {v.value: v.count for v in facet.values if v.count}
        expected = dict(naive[facet.key])
        if facet.key == "subsidy" and "0" not in selection.get("subsidy", []):
            expected.pop("0", None)  # the subsidy facet offers "eligible" only
        if facet.key == "start":  # months gone by are offered only once chosen
            this_month = f"{timezone.localdate():%Y-%m}"
            expected = {
                m: n for m, n in expected.items() if m >= this_month or m in selection.get("start", [])
            }
        assert got == expected, facet.key
        assert {v.value for v in facet.values if v.selected} == set(selection.get(facet.key, [])) - {""}


def test_unknown_values_select_nothing(corpus, search):
    result = search("", facets={"provider": ["no-such-org"], "start": ["2020-13"], "field": ["abc"]})
    assert result.total == 0  # the unknown provider matches nothing; malformed month and field are dropped
    assert result.selection == {"provider": ("no-such-org",)}
