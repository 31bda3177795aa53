"""Records for the open-format tests: a public and a private one of each kind the formats export.

Each private record carries the marker `PRIVATE_MARK` in its text, so a test can prove that no
document, page or file the formats make for an anonymous visitor contains it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from factories import BodyFactory, IdentifierFactory, MeetingFactory, PostFactory

from renkei.catalog import services as catalog_services
from renkei.catalog.models import Program, ProgramRun, TeachingContent
from renkei.networks.models import Tenure
from renkei.organisations.models import Person

PRIVATE_MARK = "秘密ZZQ"


@dataclass
class Records:
    published: Program
    draft: Program
    public_meeting: Any
    private_meeting: Any
    body: Any
    post: Any
    person: Person


def make_records(owner_org: Any, owner_unit: Any, network: Any) -> Records:
    owner_org.note_ja = f"職員向けメモ {PRIVATE_MARK}"
    owner_org.website = "https://owner.example.ac.jp/"
    owner_org.save()
    IdentifierFactory(organisation=owner_org)
    published = Program(
        provider=owner_org, unit=owner_unit, code="PUB-1", title_ja="公開講座", title_en="Open course",
        status="published", fee_yen=0, hours_total=12,
    )  # fmt: skip
    catalog_services.program_save(program=published, actor=None, shared_with=[network])
    catalog_services.program_run_save(
        run=ProgramRun(program=published, starts_on=dt.date(2030, 4, 1)), actor=None
    )
    draft = Program(provider=owner_org, code="DRAFT-1", title_ja=f"下書き {PRIVATE_MARK}", status="draft")
    catalog_services.program_save(program=draft, actor=None)
    catalog_services.program_run_save(
        run=ProgramRun(program=draft, starts_on=dt.date(2030, 5, 1), note_ja=PRIVATE_MARK), actor=None
    )
    TeachingContent.objects.create(provider=owner_org, code="C-PUB", title_ja="公開教材", status="published")
    TeachingContent.objects.create(provider=owner_org, code="C-DRAFT", title_ja=PRIVATE_MARK, status="draft")
    body = BodyFactory(network=network, key="council")
    post = PostFactory(body=body)
    person = Person.objects.create(name_ja="試験 花子", name_en="Hanako Shiken", organisation=owner_org)
    Tenure.objects.create(post=post, person=person, on_behalf_of=owner_org, start_date=dt.date(2024, 4, 1))
    public_meeting = MeetingFactory(
        body=body, title_ja="公開の総会", is_public=True, held_on=dt.date(2024, 7, 1)
    )
    private_meeting = MeetingFactory(body=body, title_ja=f"非公開 {PRIVATE_MARK}", is_public=False)
    return Records(published, draft, public_meeting, private_meeting, body, post, person)
