"""Partnership records made through the services for the partnership tests of every tier."""

from __future__ import annotations

import datetime as dt
from typing import Any

from renkei.partnerships import services
from renkei.partnerships.models import AgreementParty, AgreementVersion


def signed_version(
    agreement: Any,
    home: Any,
    partner: Any,
    *,
    until: dt.date = dt.date(2027, 3, 31),
    partner_signed_on: dt.date = dt.date(2022, 3, 2),
    today: dt.date = dt.date(2022, 4, 1),
) -> AgreementVersion:
    """The agreement's first version, in force from 2022-04-01 until `until`: drafted with both parties,
    taken through internal review and the partner, and signed on `today`, each step by its service."""
    version = services.agreement_draft(
        agreement=agreement,
        actor=None,
        valid_from=dt.date(2022, 4, 1),
        valid_until=until,
        parties=[
            AgreementParty(organisation=home, signed_on=dt.date(2022, 3, 1)),
            AgreementParty(organisation=partner, signed_on=partner_signed_on),
        ],
    )
    for status in ("internal_review", "with_partner"):
        services.agreement_transition(version=version, status=status, actor=None)
    return services.agreement_sign(version=version, actor=None, today=today)
