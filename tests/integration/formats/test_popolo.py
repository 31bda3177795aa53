"""Popolo JSON: every document follows the shapes `renkei.formats.popolo.SCHEMAS` states (the Popolo
properties we fill, with their types), every reference points at a record of the export, and nothing an
anonymous visitor may not see is in it."""

from __future__ import annotations

import json
from typing import Any

import jsonschema_rs
import pytest
from support.formats_records import PRIVATE_MARK, make_records

from renkei.formats import popolo

pytestmark = pytest.mark.django_db


def _check(document: dict[str, list[dict[str, Any]]]) -> None:
    for kind, items in document.items():
        validator = jsonschema_rs.validator_for(popolo.SCHEMAS[kind])
        for item in items:
            errors = [e.message for e in validator.iter_errors(item)]
            assert not errors, (kind, item, errors)
    ids = {kind: {item["id"] for item in items} for kind, items in document.items()}
    for kind, items in document.items():
        assert len(ids[kind]) == len(items), f"{kind}: ids are not unique"
    organisations, persons, posts = ids["organizations"], ids["persons"], ids["posts"]
    for item in document["organizations"]:
        assert item.get("parent_id", next(iter(organisations))) in organisations, item
    for item in document["memberships"]:
        assert item["organization_id"] in organisations, item
        if "person_id" in item:
            assert item["person_id"] in persons, item
        else:
            assert item["member"]["id"] in organisations, item
        if "post_id" in item:
            assert item["post_id"] in posts, item
        if "on_behalf_of_id" in item:
            assert item["on_behalf_of_id"] in organisations, item
    for item in document["posts"] + document["events"]:
        assert item["organization_id"] in organisations, item


def test_the_documents_follow_the_popolo_shapes_and_leave_out_private_records(
    owner_org: Any, owner_unit: Any, network: Any
) -> None:
    records = make_records(owner_org, owner_unit, network)
    document = popolo.document()
    assert set(document) == set(popolo.KINDS)
    _check(document)
    assert PRIVATE_MARK not in json.dumps(document, ensure_ascii=False)
    organisations = {o["id"]: o for o in document["organizations"]}
    assert organisations["organisation/owner-u.law"]["parent_id"] == "organisation/owner-u"
    assert organisations["body/network-n/council"]["parent_id"] == "network/network-n"
    assert {"name": "Owner University", "note": "en"} in organisations["organisation/owner-u"]["other_names"]
    assert [e["id"] for e in document["events"]] == [f"meeting/{records.public_meeting.pk}"]
    tenure = next(m for m in document["memberships"] if m["id"].startswith("tenure/"))
    assert tenure["person_id"] == f"person/{records.person.pk}"
    assert tenure["post_id"] == f"post/{records.post.pk}"
    assert tenure["on_behalf_of_id"] == "organisation/owner-u"


def test_a_broken_document_is_caught_by_the_shapes() -> None:
    validator = jsonschema_rs.validator_for(popolo.SCHEMAS["memberships"])
    assert not validator.is_valid({"id": "membership/1", "organization_id": "network/n"})  # no member
    assert not validator.is_valid(
        {
            "id": "membership/1",
            "organization_id": "network/n",
            "person_id": "person/1",
            "start_date": "1.4.2024",
        }
    )


def test_the_demo_documents_follow_the_popolo_shapes(demo_loaded: Any) -> None:
    document = popolo.document()
    _check(document)
    assert len(document["organizations"]) > 50
    assert document["posts"]
    assert document["memberships"]


def test_an_organisation_from_sample_sources_only_says_it_is_sample_data(db: None) -> None:
    from factories import OrganisationFactory, SourceFactory

    real, sample = SourceFactory(code="real-doc"), SourceFactory(code="made-up", is_sample=True)
    OrganisationFactory(key="real-u").sources.add(real)
    OrganisationFactory(key="sample-co").sources.add(sample)
    document = popolo.document(["organizations"])
    _check({**{key: [] for key in popolo.KINDS}, **document})
    organisations = {o["id"]: o for o in document["organizations"]}
    assert organisations["organisation/sample-co"]["description"] == popolo.SAMPLE_ORGANISATION
    assert "SAMPLE DATA" in popolo.SAMPLE_ORGANISATION
    assert "サンプルデータ" in popolo.SAMPLE_ORGANISATION
    assert "description" not in organisations["organisation/real-u"]
