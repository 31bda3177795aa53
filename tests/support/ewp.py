"""The EWP schemas folder for the format tests: skip, naming the folder, when it is absent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest


def ewp_folder() -> Path:
    from django.conf import settings

    return Path(settings.SHARED_DATA_DIR) / "ewp-schemas"


def ewp_validator():  # type: ignore[no-untyped-def]  # returns renkei.formats.ewp.validate.Validator
    from renkei.formats.ewp.validate import SchemasMissing, validator

    try:
        return validator(ewp_folder())
    except SchemasMissing as missing:
        pytest.skip(f"skipped: the EWP schemas folder is absent ({ewp_folder()}): {missing}")


def ewp_example(name: str) -> bytes:
    path = ewp_folder() / "examples" / name
    if not path.is_file():
        pytest.skip(f"skipped: the EWP example {path} is absent (folder ../shared/data/ewp-schemas)")
    return path.read_bytes()


# --- a covered HEI, one of its units, a foreign partner, and their agreements ---------------------------

TODAY = dt.date(2024, 6, 1)


def make_heis() -> tuple[Any, Any, Any]:
    """A covered HEI (f-u.ac.jp), one of its units, and a German partner with its SCHAC id."""
    from factories import IdentifierFactory, OrganisationFactory, UnitFactory

    from renkei.organisations.models import Identifier

    home = OrganisationFactory(key="f-u", name_ja="見本大学", website="https://www.f-u.ac.jp/")
    unit = UnitFactory(parent=home, key="f-u.eng", code="工")
    partner = OrganisationFactory(key="uni-x", country="DE", name_ja="Universität X")
    IdentifierFactory(organisation=partner, scheme=Identifier.Scheme.SCHAC, value="uni-x.de")
    return home, unit, partner


def ewp_agreement(home, unit, partner, *, public: bool = True, sign: bool = True, **condition):  # type: ignore[no-untyped-def]
    from factories import AgreementFactory

    from renkei.partnerships import services
    from renkei.partnerships.models import AgreementParty, CooperationCondition

    agreement = AgreementFactory(owner=home, is_public=public)
    version = services.agreement_draft(
        agreement=agreement,
        actor=None,
        valid_from=dt.date(2024, 4, 1),
        valid_until=dt.date(2029, 3, 31),
        parties=[
            AgreementParty(
                organisation=home,
                unit=unit,
                iia_code="F-2024-7",
                signatory_name="学長",
                signatory_email="president@f-u.ac.jp",
                signed_on=dt.date(2024, 3, 1),
            ),
            AgreementParty(organisation=partner, signatory_name="Rector", signed_on=dt.date(2024, 3, 5)),
        ],
    )
    fields = {
        "mobility_type": "student-studies",
        "sending_hei": home,
        "sending_ounit": unit,
        "receiving_hei": partner,
        "receiving_first_academic_year_id": "2024/2025",
        "mobilities_per_year": 3,
        "total_months_per_year": 15,
        "subject_areas": ["0714", "07"],
        "eqf_levels": [6, 7],
        "recommended_language_skills": [{"language": "en", "cefr_level": "B2"}],
    }
    fields.update(condition)
    services.cooperation_condition_save(
        cooperation_condition=CooperationCondition(version=version, **fields), actor=None
    )
    services.cooperation_condition_save(
        cooperation_condition=CooperationCondition(
            version=version,
            mobility_type="staff-training",
            sending_hei=partner,
            receiving_hei=home,
            receiving_first_academic_year_id="2024/2025",
            receiving_last_academic_year_id="2025/2026",
            total_days_per_year=10,
        ),
        actor=None,
    )
    if sign:
        for status in ("internal_review", "with_partner"):
            services.agreement_transition(version=version, status=status, actor=None, today=TODAY)
        services.agreement_sign(version=version, actor=None, today=TODAY)
    return agreement
