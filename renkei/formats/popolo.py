"""Popolo-style JSON (https://www.popoloproject.com/specs/) of the networks' governance, as an anonymous
visitor sees it: organisations (the registry's organisations, the networks and their bodies), persons
who hold posts, memberships (of organisations in networks, and terms of office in posts), posts, and
public meetings as events.

Identifiers are stable: `organisation/<key>`, `network/<key>`, `body/<network>/<key>`, `post/<id>`,
`person/<id>`, `membership/<id>`, `tenure/<id>`, `meeting/<id>`. Both languages are kept: `name` is the
Japanese name and `other_names` carries the English one (`note: "en"`). `SCHEMAS` states the shapes the
documents follow (the Popolo JSON Schemas' properties that we fill, with their types), and the tests
check each document against them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from renkei.core import policy
from renkei.formats.jsonld import SAMPLE_ORGANISATION, is_sample_organisation
from renkei.networks.models import Body, Meeting, Membership, Network, Post, Tenure
from renkei.organisations.models import Organisation, Person

KINDS = ("organizations", "persons", "memberships", "posts", "events")


def _visible(qs: QuerySet) -> QuerySet:
    return policy.visible(AnonymousUser(), qs)


def _date(value: Any) -> str | None:
    return value.isoformat() if value else None


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Popolo leaves out what is unknown rather than writing null or empty strings."""
    return {k: v for k, v in data.items() if v not in (None, "", [])}


def _other_names(ja: str, en: str, *more: tuple[str, str]) -> list[dict[str, str]]:
    names = [{"name": en, "note": "en"}] if en and en != ja else []
    names += [{"name": name, "note": note} for name, note in more if name]
    return names


def organisation_id(org: Organisation) -> str:
    return f"organisation/{org.key}"


def network_id(net: Network) -> str:
    return f"network/{net.key}"


def body_id(body: Body) -> str:
    return f"body/{body.network.key}/{body.key}"


def _organisation(org: Organisation) -> dict[str, Any]:
    return _clean(
        {
            "id": organisation_id(org),
            "name": org.name_ja,
            "other_names": _other_names(org.name_ja, org.name_en, (org.name_kana, "kana")),
            "classification": org.kind,
            "identifiers": [{"identifier": i.value, "scheme": i.scheme} for i in org.identifiers.all()],
            "parent_id": f"organisation/{org.parent.key}" if org.parent is not None else None,
            "links": [{"url": org.website, "note": "website"}] if org.website else [],
            "description": SAMPLE_ORGANISATION if is_sample_organisation(org) else None,
        }
    )


def _network(net: Network) -> dict[str, Any]:
    return _clean(
        {
            "id": network_id(net),
            "name": net.name_ja,
            "other_names": _other_names(net.name_ja, net.name_en),
            "classification": f"network:{net.kind}",
            "founding_date": _date(net.founded_on),
            "links": [{"url": net.website, "note": "website"}] if net.website else [],
        }
    )


def _body(body: Body) -> dict[str, Any]:
    parent = body_id(body.reports_to_body) if body.reports_to_body is not None else network_id(body.network)
    return _clean(
        {
            "id": body_id(body),
            "name": body.name_ja,
            "other_names": _other_names(body.name_ja, body.name_en),
            "classification": f"body:{body.kind}",
            "parent_id": parent,
            "founding_date": _date(body.established_on),
        }
    )


def organizations() -> list[dict[str, Any]]:
    orgs = _visible(Organisation.objects.select_related("parent").prefetch_related("identifiers", "sources"))
    networks = _visible(Network.objects.all())
    bodies = _visible(Body.objects.select_related("network", "reports_to_body__network"))
    return (
        [_network(n) for n in networks.order_by("key")]
        + [_body(b) for b in bodies.order_by("network__key", "sort_order", "key")]
        + [_organisation(o) for o in orgs.order_by("key")]
    )


def persons() -> list[dict[str, Any]]:
    held = _visible(Tenure.objects.all()).exclude(person=None).values("person_id")
    people = _visible(Person.objects.filter(pk__in=held)).order_by("pk")
    return [
        _clean(
            {
                "id": f"person/{p.pk}",
                "name": p.name_ja,
                "other_names": _other_names(p.name_ja, p.name_en, (p.name_kana, "kana")),
            }
        )
        for p in people
    ]


def memberships() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    members = _visible(Membership.objects.select_related("network", "organisation", "on_behalf_of"))
    for m in members.order_by("network__key", "organisation__key", "pk"):
        rows.append(
            _clean(
                {
                    "id": f"membership/{m.pk}",
                    "member": {"@type": "Organization", "id": organisation_id(m.organisation)},
                    "organization_id": network_id(m.network),
                    "role": m.role,
                    "label": m.category_ja,
                    "on_behalf_of_id": organisation_id(m.on_behalf_of) if m.on_behalf_of_id else None,
                    "start_date": _date(m.start_date),
                    "end_date": _date(m.end_date),
                }
            )
        )
    tenures = _visible(Tenure.objects.select_related("post__body__network", "on_behalf_of"))
    for t in tenures.order_by("post_id", "start_date", "pk"):
        member: dict[str, Any] = (
            {"person_id": f"person/{t.person_id}"}
            if t.person_id
            else {"member": {"@type": "Organization", "id": organisation_id(t.on_behalf_of)}}
        )
        rows.append(
            _clean(
                {
                    "id": f"tenure/{t.pk}",
                    **member,
                    "organization_id": body_id(t.post.body),
                    "post_id": f"post/{t.post_id}",
                    "role": t.post.role,
                    "label": t.post.label_ja,
                    "on_behalf_of_id": organisation_id(t.on_behalf_of),
                    "start_date": _date(t.start_date),
                    "end_date": _date(t.end_date),
                }
            )
        )
    return rows


def posts() -> list[dict[str, Any]]:
    rows = _visible(Post.objects.select_related("body__network")).order_by(
        "body__network__key", "body__key", "sort_order", "pk"
    )
    return [
        _clean(
            {
                "id": f"post/{p.pk}",
                "label": p.label_ja,
                "other_label": [p.label_en] if p.label_en and p.label_en != p.label_ja else [],
                "role": p.role,
                "organization_id": body_id(p.body),
            }
        )
        for p in rows
    ]


def events() -> list[dict[str, Any]]:
    rows = _visible(Meeting.objects.select_related("body__network")).order_by("held_on", "pk")
    return [
        _clean(
            {
                "id": f"meeting/{m.pk}",
                "name": m.title_ja,
                "classification": "meeting",
                "start_date": m.held_on.isoformat(),
                "location": m.location_ja,
                "organization_id": body_id(m.body),
            }
        )
        for m in rows
    ]


BUILDERS = {
    "organizations": organizations,
    "persons": persons,
    "memberships": memberships,
    "posts": posts,
    "events": events,
}


def document(kinds: Iterable[str] = KINDS) -> dict[str, list[dict[str, Any]]]:
    """A Popolo export: one list per kind asked for."""
    return {kind: BUILDERS[kind]() for kind in kinds}


_DATE = {"type": "string", "pattern": r"^[0-9]{4}(-[0-9]{2}){0,2}$"}
_NAMES = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"name": {"type": "string"}, "note": {"type": "string"}},
        "required": ["name"],
    },
}
_LINKS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"url": {"type": "string", "format": "uri"}, "note": {"type": "string"}},
        "required": ["url"],
    },
}
_ID = {"type": "string", "pattern": r"^[a-z]+/[^\s]+$"}
SCHEMAS: dict[str, dict[str, Any]] = {
    "organizations": {
        "type": "object",
        "properties": {
            "id": _ID,
            "name": {"type": "string", "minLength": 1},
            "other_names": _NAMES,
            "identifiers": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"identifier": {"type": "string"}, "scheme": {"type": "string"}},
                    "required": ["identifier"],
                },
            },
            "classification": {"type": "string"},
            "description": {"type": "string"},
            "parent_id": _ID,
            "founding_date": _DATE,
            "dissolution_date": _DATE,
            "links": _LINKS,
        },
        "required": ["id", "name"],
        "additionalProperties": False,
    },
    "persons": {
        "type": "object",
        "properties": {"id": _ID, "name": {"type": "string", "minLength": 1}, "other_names": _NAMES},
        "required": ["id", "name"],
        "additionalProperties": False,
    },
    "memberships": {
        "type": "object",
        "properties": {
            "id": _ID,
            "person_id": _ID,
            "member": {
                "type": "object",
                "properties": {"@type": {"enum": ["Person", "Organization"]}, "id": _ID},
                "required": ["@type", "id"],
            },
            "organization_id": _ID,
            "post_id": _ID,
            "on_behalf_of_id": _ID,
            "role": {"type": "string"},
            "label": {"type": "string"},
            "start_date": _DATE,
            "end_date": _DATE,
        },
        "required": ["id", "organization_id"],
        "oneOf": [{"required": ["person_id"]}, {"required": ["member"]}],
        "additionalProperties": False,
    },
    "posts": {
        "type": "object",
        "properties": {
            "id": _ID,
            "label": {"type": "string", "minLength": 1},
            "other_label": {"type": "array", "items": {"type": "string"}},
            "role": {"type": "string"},
            "organization_id": _ID,
            "start_date": _DATE,
            "end_date": _DATE,
        },
        "required": ["id", "label", "organization_id"],
        "additionalProperties": False,
    },
    "events": {
        "type": "object",
        "properties": {
            "id": _ID,
            "name": {"type": "string", "minLength": 1},
            "classification": {"type": "string"},
            "start_date": _DATE,
            "end_date": _DATE,
            "location": {"type": "string"},
            "organization_id": _ID,
        },
        "required": ["id", "name", "start_date", "organization_id"],
        "additionalProperties": False,
    },
}
