"""From the organisation registry to the EWP description (institutions, units, factsheets).

Which organisations are EWP institutions
    Japanese higher-education institutions (kinds in `Organisation.HEI_KINDS`, country JP, top-level)
    that have an EWP hei-id. Foreign institutions in the registry are partners: their own EWP hosts
    publish them, Renkei names them only by hei-id inside agreements.

How a Japanese HEI gets its hei-id (`hei_id_of`)
    EWP's hei-id is the institution's SCHAC home organisation: its internet domain, lower case.
    1. the registry's SCHAC identifier (`Identifier.Scheme.SCHAC`), when it has one (the demo holds
       one for each university, e.g. ``tohoku.ac.jp``);
    2. otherwise the host of its website without a leading ``www.`` (``https://www.u-tokyo.ac.jp/`` →
       ``u-tokyo.ac.jp``), when that host ends in a Japanese academic or government domain
       (``.ac.jp``, ``.go.jp``) — the domains JPNIC gives only to such institutions;
    3. otherwise none, and the HEI is not exported.

Units (`ounit-id`)
    Units are the organisation's descendants of a unit kind (faculty, graduate school, institute,
    centre, hospital, office). Their ounit-id is the registry key (stable, ASCII, used in Renkei's URLs),
    their ounit-code the registry's short code (e.g. 法) or the key, their parent the nearest unit above.

What is left out because the registry does not know it
    institutions/ounits: contacts (no contact persons or emails for offices), mailing addresses,
    postal codes, logos, mobility factsheet and course catalogue URLs, Erasmus/PIC codes (none for
    Japanese HEIs); factsheets: calendars, application/housing/visa/insurance contacts, decision and
    transcript limits — all required by the Factsheet XSD, so no Japanese HEI of the demo gets a
    factsheet until the registry records them (the response is then valid and empty; see README).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet

from renkei.core import policy
from renkei.formats.ewp.model import Address, Factsheet, Hei, OtherId, OUnit, Text
from renkei.organisations.models import Identifier, Organisation

ACADEMIC_SUFFIXES = (".ac.jp", ".go.jp")
PUBLIC = AnonymousUser()


def hei_id_from_website(website: str) -> str:
    """The SCHAC-style domain of a Japanese HEI's website, or '' when it is not an academic domain."""
    host = (urlsplit(website).hostname or "").lower().rstrip(".")
    host = host.removeprefix("www.")
    if host.count(".") >= 2 and host.endswith(ACADEMIC_SUFFIXES):
        return host
    return ""


def hei_id_of(organisation: Organisation) -> str:
    identifiers = list(organisation.identifiers.all())  # prefetched
    for identifier in identifiers:
        if identifier.scheme == Identifier.Scheme.SCHAC and identifier.value.strip():
            return identifier.value.strip().lower()
    return hei_id_from_website(organisation.website)


def ounit_id_of(unit: Organisation) -> str:
    """The unit's key when it is a valid EWP identifier (1–64 printable ASCII), else a stable digest."""
    key = unit.key
    if 1 <= len(key) <= 64 and all("!" <= ch <= "~" for ch in key):
        return key
    return "k-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]


def _names(organisation: Organisation) -> tuple[Text, ...]:
    names = [Text(organisation.name_ja, "ja")]
    if organisation.name_en:
        names.append(Text(organisation.name_en, "en"))
    return tuple(names)


def _address(organisation: Organisation) -> Address | None:
    if not organisation.address_ja:
        return None
    region = organisation.get_prefecture_display() if organisation.prefecture else ""
    return Address(lines=(organisation.address_ja,), region=str(region), country=organisation.country or "JP")


def _websites(organisation: Organisation) -> tuple[Text, ...]:
    return (Text(organisation.website),) if organisation.website.startswith(("http://", "https://")) else ()


def _heis() -> QuerySet[Organisation]:
    return (
        policy.visible(PUBLIC, Organisation.objects.all())
        .filter(kind__in=Organisation.HEI_KINDS, country="JP", parent__isnull=True)
        .prefetch_related(Prefetch("identifiers", queryset=Identifier.objects.order_by("scheme", "value")))
        .order_by("key")
    )


def covered_heis() -> dict[str, Organisation]:
    """hei-id → organisation for every HEI Renkei publishes in EWP."""
    found: dict[str, Organisation] = {}
    for organisation in _heis():
        hei_id = hei_id_of(organisation)
        if hei_id and hei_id not in found:
            found[hei_id] = organisation
    return found


def units_of(organisation: Organisation) -> list[Organisation]:
    """The visible units under an organisation, depth first in key order."""
    visible = policy.visible(PUBLIC, Organisation.objects.all())
    out: list[Organisation] = []
    frontier = [organisation.pk]
    while frontier:
        children = list(
            visible.filter(parent_id__in=frontier, kind__in=Organisation.UNIT_KINDS)
            .select_related("parent")
            .order_by("key")
        )
        out.extend(children)
        frontier = [child.pk for child in children]
    return sorted(out, key=lambda unit: unit.key)


def _other_ids(organisation: Organisation) -> tuple[OtherId, ...]:
    kinds: dict[str, str] = {Identifier.Scheme.ERASMUS: "erasmus", Identifier.Scheme.MEXT: "mext-school-code"}
    return tuple(
        OtherId(kinds[i.scheme], i.value) for i in organisation.identifiers.all() if i.scheme in kinds
    )


def hei(organisation: Organisation, hei_id: str) -> Hei:
    return Hei(
        hei_id=hei_id,
        names=_names(organisation),
        other_ids=_other_ids(organisation),
        abbreviation=organisation.short_name_en or organisation.short_name_ja,
        street_address=_address(organisation),
        websites=_websites(organisation),
        ounit_ids=tuple(ounit_id_of(unit) for unit in units_of(organisation)),
    )


def ounit(unit: Organisation) -> OUnit:
    parent = unit.parent
    parent_id = ounit_id_of(parent) if parent is not None and parent.kind in Organisation.UNIT_KINDS else ""
    return OUnit(
        ounit_id=ounit_id_of(unit),
        ounit_code=unit.code or unit.key,
        names=_names(unit),
        abbreviation=unit.short_name_en or unit.short_name_ja,
        parent_ounit_id=parent_id,
        street_address=_address(unit),
        websites=_websites(unit),
    )


def institutions(hei_ids: Iterable[str]) -> list[Hei]:
    """The requested HEIs Renkei covers, in request order; unknown ids are skipped (as EWP says)."""
    covered = covered_heis()
    return [hei(covered[hei_id], hei_id) for hei_id in dict.fromkeys(hei_ids) if hei_id in covered]


def ounits(hei_id: str, ounit_ids: Iterable[str] | None = None) -> list[OUnit] | None:
    """The HEI's units (all of them, or the requested ones); None when Renkei does not cover the HEI."""
    organisation = covered_heis().get(hei_id)
    if organisation is None:
        return None
    by_id = {ounit_id_of(unit): unit for unit in units_of(organisation)}
    wanted = list(by_id) if ounit_ids is None else [i for i in dict.fromkeys(ounit_ids) if i in by_id]
    return [ounit(by_id[ounit_id]) for ounit_id in wanted]


def factsheets(hei_ids: Iterable[str]) -> list[Factsheet]:
    """Factsheets of the requested covered HEIs whose factsheet facts are all known: the registry
    records none of them yet (see the module docstring), so this is empty."""
    return []


def all_heis() -> Iterator[tuple[str, Organisation]]:
    yield from sorted(covered_heis().items())
