"""A small needs-and-matching world for the matching tests of every tier (loaded by ``pytest_plugins``).

Network N (A and B are members): A publishes three programs shared with N; two sample employers (E1,
E2, companies) each have an editor; N's secretariat runs an open survey with typed questions; E1 is
invited (its token is kept here, as the link would carry it).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone


@pytest.fixture
def matching_world(
    db: None, owner_org: Any, other_org: Any, network: Any, secretariat: Any
) -> SimpleNamespace:
    from factories import AffiliationFactory, OrganisationFactory, UserFactory

    from renkei.catalog import services as catalog_services
    from renkei.catalog.models import Program, ProgramRun
    from renkei.matching import services
    from renkei.matching.models import EmployerProfile, Question, Survey
    from renkei.taxonomy.models import Concept
    from renkei.taxonomy.services import taxonomy_load_starter

    taxonomy_load_starter()
    skill = {c.code: c for c in Concept.objects.filter(scheme__key="renkei-starter")}
    programs = {}
    for code, title, skills, mode, fee in (
        ("QC", "品質管理入門", ["skill-quality-management"], "onsite", 10000),
        ("PY", "Pythonデータ分析講座", ["skill-python", "skill-data-analysis"], "online", 30000),
        ("SEC", "情報セキュリティ基礎", ["skill-security"], "on_demand", 0),
    ):
        program = Program(
            provider=owner_org, code=code, title_ja=title, summary_ja=f"{title}を学ぶ社会人向け講座。",
            status=Program.Status.PUBLISHED, mode=mode, fee_yen=fee, capacity=20, level="introductory",
        )  # fmt: skip
        catalog_services.program_save(
            program=program, actor=None, skills=[skill[s] for s in skills], shared_with=[network]
        )
        catalog_services.program_run_save(
            run=ProgramRun(program=program, starts_on=timezone.localdate() + dt.timedelta(days=40)),
            actor=None,
        )
        programs[code] = program
    employers, editors = [], []
    for n, (industry, band, code) in enumerate((("E", "50-99", "06202"), ("P", "300+", "06204")), start=1):
        employer = OrganisationFactory(
            key=f"employer-{n}",
            kind="company",
            name_ja=f"試験事業者{n}",
            prefecture="06",
            municipality_code=code,
        )
        EmployerProfile.objects.create(organisation=employer, industry=industry, employees_band=band,
                                       municipality_code=code)  # fmt: skip
        editors.append(AffiliationFactory(organisation=employer, role="editor",
                                          user=UserFactory(username=f"employer-{n}")).user)  # fmt: skip
        employers.append(employer)
    survey = services.survey_save(
        survey=Survey(network=network, key="needs", title_ja="人材ニーズ調査", status=Survey.Status.OPEN),
        actor=None,
    )
    for order, (key, kind, role, required, extra) in enumerate(
        (
            ("size", "single", "", True, {"choices": [{"value": "s", "ja": "小"}, {"value": "l", "ja": "大"}]}),
            ("priority", "scale", "", False, {"scale_min": 1, "scale_max": 5}),
            ("need", "text", "need_text", True, {}),
            ("skills", "skills", "need_skills", False, {}),
            ("people", "number", "headcount", False, {"number_min": 1, "number_max": 1000}),
            ("mode", "single", "mode", False,
             {"choices": [{"value": "online", "ja": "オンライン"}, {"value": "onsite", "ja": "対面"}]}),
        ),
        start=1,
    ):  # fmt: skip
        services.question_save(
            question=Question(survey=survey, key=key, order=order, kind=kind, role=role, required=required,
                              text_ja=f"設問 {key}", **extra),
            actor=None,
        )  # fmt: skip
    invitation, token = services.invitation_create(
        survey=survey, organisation=employers[0], actor=secretariat, target_group="製造業"
    )
    services.invitation_create(
        survey=survey, organisation=employers[1], actor=secretariat, target_group="医療・福祉"
    )
    return SimpleNamespace(
        network=network, survey=survey, invitation=invitation, token=token, employers=employers,
        editors=editors, programs=programs, skill=skill, secretariat=secretariat, a=owner_org, b=other_org,
    )  # fmt: skip
