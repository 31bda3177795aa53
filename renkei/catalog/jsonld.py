"""schema.org `Course` JSON-LD for a program page (https://schema.org/Course)."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

from renkei.catalog.models import Program
from renkei.organisations.models import Organisation

# Keyed by the stored value (a str; the TextChoices members are str too).
COURSE_MODE: dict[str, str] = {
    Program.Mode.ONSITE: "Onsite",
    Program.Mode.ONLINE: "Online",
    Program.Mode.HYBRID: "Blended",
    Program.Mode.ON_DEMAND: "Online",
}
LANGUAGES: dict[str, str | list[str]] = {
    Program.Language.JA: "ja",
    Program.Language.EN: "en",
    Program.Language.JA_EN: ["ja", "en"],
}
# Inside <script>, "<", ">" and "&" must not appear literally (as django.utils.html.json_script does).
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _organisation(org: Organisation) -> dict[str, Any]:
    kind = "CollegeOrUniversity" if org.kind in Organisation.HEI_KINDS else "Organization"
    data: dict[str, Any] = {"@type": kind, "name": org.name}
    if org.name_en and org.name_en != org.name:
        data["alternateName"] = org.name_en
    if org.website:
        data["sameAs"] = org.website
    return data


def _place(program: Program) -> dict[str, Any] | None:
    if not program.venue_name and not program.venue_address_ja and program.latitude is None:
        return None
    place: dict[str, Any] = {"@type": "Place", "name": program.venue_name or program.venue_address_ja}
    if program.venue_address_ja:
        place["address"] = {
            "@type": "PostalAddress",
            "streetAddress": program.venue_address_ja,
            "addressCountry": "JP",
        }
    if program.latitude is not None and program.longitude is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": program.latitude,
            "longitude": program.longitude,
        }
    return place


def course(program: Program, *, url: str) -> dict[str, Any]:
    """The Course for `program` (runs, fields and skills prefetched), in the active language."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Course",
        "name": program.title,
        "description": program.summary or program.description[:500] or program.title,
        "courseCode": program.code,
        "url": url,
        "provider": _organisation(program.provider),
        "inLanguage": LANGUAGES.get(program.language, "ja"),
    }
    if program.is_sample:
        data["disambiguatingDescription"] = (
            "SAMPLE DATA made up for a demo: not a real course. / デモ用のサンプルデータです。"
        )
    if program.level:
        data["educationalLevel"] = str(Program.Level(program.level).label)
    if skills := [c.label for c in program.skills.all()]:
        data["teaches"] = skills
    if fields := [c.label for c in program.fields.all()]:
        data["about"] = fields
    if program.hours_total:
        data["timeRequired"] = f"PT{int(program.hours_total)}H"
    mode = COURSE_MODE.get(program.mode, "Onsite")
    place = _place(program)
    instances = []
    for run in program.runs.all() or [None]:
        instance: dict[str, Any] = {"@type": "CourseInstance", "courseMode": mode}
        if run is not None:
            instance["startDate"] = run.starts_on
            if run.ends_on:
                instance["endDate"] = run.ends_on
        if place and program.mode != Program.Mode.ON_DEMAND:
            instance["location"] = place
        instances.append(instance)
    data["hasCourseInstance"] = instances
    if program.fee_yen is not None:
        data["offers"] = {
            "@type": "Offer",
            "price": program.fee_yen,
            "priceCurrency": "JPY",
            "category": "Free" if program.fee_yen == 0 else "Paid",
            "url": url,
        }
        data["isAccessibleForFree"] = program.fee_yen == 0
    return data


def script_json(data: dict[str, Any]) -> SafeString:
    """JSON safe to put between <script type="application/ld+json"> tags."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    return mark_safe(text.translate(_SCRIPT_ESCAPES))
