"""schema.org JSON-LD builders (https://schema.org): organisations (CollegeOrUniversity,
GovernmentOrganization, Organization), programs (Course), networks, the open-data bundle (Dataset),
lists (ItemList) and breadcrumbs (BreadcrumbList). Which page gets which is `renkei.formats.pages`."""

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


CONTEXT = "https://schema.org"
GOVERNMENT_KINDS = frozenset(
    {
        Organisation.Kind.PREFECTURE,
        Organisation.Kind.MUNICIPALITY,
        Organisation.Kind.GOVERNMENT_BODY,
        Organisation.Kind.AGENCY,
    }
)


def organisation_type(org: Organisation) -> str:
    if org.kind in Organisation.HEI_KINDS:
        return "CollegeOrUniversity"
    if org.kind in GOVERNMENT_KINDS:
        return "GovernmentOrganization"
    return "Organization"


def organisation_ref(org: Organisation, *, url: str | None = None) -> dict[str, Any]:
    """An organisation as a node inside another (a provider, a member): type, names, website."""
    data: dict[str, Any] = {"@type": organisation_type(org), "name": org.name}
    if org.name_en and org.name_en != org.name:
        data["alternateName"] = org.name_en
    if url:
        data["url"] = url
    if org.website:
        data["sameAs"] = org.website
    return data


_organisation = organisation_ref


SAMPLE_ORGANISATION = (
    "SAMPLE DATA made up for a demo: not a real organisation. / デモ用のサンプルデータです。"
)


def is_sample_organisation(org: Organisation) -> bool:
    """Sample data: every source document the organisation comes from is a sample (made up for the demo)."""
    sources = list(org.sources.all())
    return bool(sources) and all(source.is_sample for source in sources)


def organisation(org: Organisation, *, url: str, parent_url: str | None = None) -> dict[str, Any]:
    """The organisation of its own page: identifiers, address, location, parent and units."""
    data = organisation_ref(org, url=url)
    if is_sample_organisation(org):
        data["disambiguatingDescription"] = SAMPLE_ORGANISATION
    data["identifier"] = [
        {"@type": "PropertyValue", "propertyID": i.scheme, "value": i.value} for i in org.identifiers.all()
    ] or org.key
    if org.name_kana:
        data.setdefault("alternateName", org.name_kana)
    if org.prefecture or org.address_ja:
        address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": org.country or "JP"}
        if org.prefecture:
            address["addressRegion"] = str(org.get_prefecture_display())
        if org.address_ja:
            address["streetAddress"] = org.address_ja
        data["address"] = address
    if org.latitude is not None and org.longitude is not None:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": org.latitude, "longitude": org.longitude}
    if org.parent is not None and parent_url:
        data["parentOrganization"] = organisation_ref(org.parent, url=parent_url)
    return data


def network(net: Any, *, url: str, members: list[tuple[Organisation, str]]) -> dict[str, Any]:
    """A network as an Organization whose members are the organisations (with their page URLs)."""
    data: dict[str, Any] = {"@context": CONTEXT, "@type": "Organization", "name": net.name, "url": url}
    if net.name_en and net.name_en != net.name:
        data["alternateName"] = net.name_en
    if net.description:
        data["description"] = net.description[:1000]
    if net.founded_on:
        data["foundingDate"] = _date_as_stated(net.founded_on, getattr(net, "founded_precision", ""))
    if net.website:
        data["sameAs"] = net.website
    if members:
        data["member"] = [organisation_ref(org, url=member_url) for org, member_url in members]
    return data


def _date_as_stated(value: Any, precision: str) -> str:
    """An ISO 8601 date cut to the precision stated (2022-10 stays 2022-10)."""
    text = value.isoformat()
    return {"year": text[:4], "month": text[:7]}.get(precision, text)


def item_list(name: str, items: list[tuple[str, str]], *, total: int | None = None) -> dict[str, Any]:
    """An ItemList of (name, url) in the order shown."""
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ItemList",
        "name": name,
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": label, "url": url}
            for i, (label, url) in enumerate(items, start=1)
        ],
    }
    data["numberOfItems"] = total if total is not None else len(items)
    return data


def breadcrumbs(trail: list[tuple[str, str]]) -> dict[str, Any]:
    """A BreadcrumbList of (name, absolute url) from the home page down."""
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": label, "item": url}
            for i, (label, url) in enumerate(trail, start=1)
        ],
    }


def website(*, name: str, url: str, search_url: str, language: str) -> dict[str, Any]:
    """The site itself, with the program search as its SearchAction."""
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": name,
        "url": url,
        "inLanguage": language,
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search_url}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }


def dataset(
    manifest: dict[str, Any] | None, *, name: str, description: str, url: str, download_url: str
) -> dict[str, Any]:
    """The open-data bundle as a Dataset with one DataDownload for the ZIP."""
    from renkei.formats import bundle  # the bundle module needs the registry; keep this module light

    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Dataset",
        "name": name,
        "description": description,
        "url": url,
        "license": bundle.LICENCE["url"],
        "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": "Renkei"},
        "encodingFormat": "text/csv",
    }
    if manifest is not None:
        data["dateModified"] = manifest["generated_at"]
        data["distribution"] = [
            {
                "@type": "DataDownload",
                "encodingFormat": "application/zip",
                "contentUrl": download_url,
                "dateModified": manifest["generated_at"],
            }
        ]
        data["hasPart"] = [
            {
                "@type": "Dataset",
                "name": entry["file"],
                "description": bundle.TABLES[entry["name"]].about.text()
                if entry["name"] in bundle.TABLES
                else entry["file"],
            }
            for entry in manifest["files"]
        ]
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
        "@context": CONTEXT,
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


def learning_resource(content: Any, *, url: str) -> dict[str, Any]:
    """Shared teaching content as a LearningResource with its licence."""
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "LearningResource",
        "name": content.title,
        "url": url,
        "learningResourceType": str(content.get_kind_display()),
        "provider": organisation_ref(content.provider),
    }
    if content.summary:
        data["description"] = content.summary[:1000]
    if content.licence.startswith("CC"):
        data["license"] = content.licence
    return data


def script_json(data: dict[str, Any]) -> SafeString:
    """JSON safe to put between <script type="application/ld+json"> tags."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    return mark_safe(text.translate(_SCRIPT_ESCAPES))


ATTENDANCE_MODE = {
    "onsite": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "hybrid": "https://schema.org/MixedEventAttendanceMode",
}


def event(activity: Any, *, url: str, home: Organisation, partner: Organisation) -> dict[str, Any]:
    """A partnership's activity (symposium, workshop, visit...) as an Event organised by both sides.
    Dates are cut to the precision stated (a fiscal year or a year gives the year only)."""
    precision = "year" if activity.date_precision == "fy" else activity.date_precision
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Event",
        "name": activity.title,
        "url": url,
        "startDate": _date_as_stated(activity.starts_on, precision),
        "organizer": [organisation_ref(home), organisation_ref(partner)],
    }
    if activity.ends_on:
        data["endDate"] = _date_as_stated(activity.ends_on, precision)
    if activity.title_en and activity.title_en != activity.title:
        data["alternateName"] = activity.title_en
    if activity.theme:
        data["description"] = activity.theme[:1000]
    if activity.mode in ATTENDANCE_MODE:
        data["eventAttendanceMode"] = ATTENDANCE_MODE[activity.mode]
    if activity.mode == "online":
        data["location"] = {"@type": "VirtualLocation", "url": url}
    elif activity.host in ("home", "partner"):
        host = home if activity.host == "home" else partner
        data["location"] = {
            "@type": "Place",
            "name": host.name,
            "address": {"@type": "PostalAddress", "addressCountry": host.country or "JP"},
        }
    return data
