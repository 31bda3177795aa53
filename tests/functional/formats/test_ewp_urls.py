"""The EWP documents at their stable URLs: plain GET, XML valid against the XSDs, public data only,
and EWP's error-response for a bad request."""

from __future__ import annotations

import pytest
from factories import IdentifierFactory, OrganisationFactory, UnitFactory
from lxml import etree
from support.ewp import ewp_agreement, ewp_validator, make_heis

from renkei.organisations.models import Identifier

pytestmark = pytest.mark.django_db


@pytest.fixture
def heis(db: None):  # type: ignore[no-untyped-def]
    return make_heis()


@pytest.fixture
def hei(db: None):  # type: ignore[no-untyped-def]
    university = OrganisationFactory(key="e-u", name_ja="見本大学", website="https://www.e-u.ac.jp/")
    IdentifierFactory(organisation=university, scheme=Identifier.Scheme.SCHAC, value="e-u.ac.jp")
    UnitFactory(parent=university, key="e-u.sci", code="理", name_ja="理学部")
    UnitFactory(parent=university, key="e-u.med", code="医", name_ja="医学部")
    return university


def _get(client, url: str, **params: object) -> tuple[int, etree._Element, str]:  # type: ignore[no-untyped-def]
    response = client.get(url, params)
    return response.status_code, etree.fromstring(response.content), response["Content-Type"]


def test_institutions_by_hei_id_is_valid_xml(client, hei) -> None:
    # when
    status, root, content_type = _get(client, "/ewp/institutions", hei_id=["e-u.ac.jp", "nobody.ac.jp"])
    # then
    assert (status, content_type) == (200, "application/xml; charset=utf-8")
    assert [h.findtext("{*}hei-id") for h in root.findall("{*}hei")] == ["e-u.ac.jp"]
    assert root.find("{*}hei/{*}name").text == "見本大学"
    assert [o.text for o in root.findall("{*}hei/{*}ounit-id")] == ["e-u.med", "e-u.sci"]
    assert ewp_validator().problems(root) == []


def test_ounits_all_or_by_id(client, hei) -> None:
    # when
    _, every, _ = _get(client, "/ewp/ounits", hei_id="e-u.ac.jp")
    status, one, _ = _get(client, "/ewp/ounits", hei_id="e-u.ac.jp", ounit_id="e-u.sci")
    # then
    assert status == 200
    assert len(every.findall("{*}ounit")) == 2
    assert [u.findtext("{*}ounit-code") for u in one.findall("{*}ounit")] == ["理"]
    assert ewp_validator().problems(every) == []


def test_factsheet_iias_and_approvals_are_valid_when_empty(client, hei) -> None:
    validator = ewp_validator()
    for url, params in (
        ("/ewp/factsheet", {"hei_id": "e-u.ac.jp"}),
        ("/ewp/iias", {"hei_id": "e-u.ac.jp", "iia_id": "x"}),
        ("/ewp/iias/approval", {"hei_id": "e-u.ac.jp", "iia_id": "x"}),
    ):
        status, root, _ = _get(client, url, **params)
        assert status == 200, url
        assert validator.problems(root) == [], url


@pytest.mark.parametrize(
    ("url", "params", "message"),
    [
        ("/ewp/institutions", {}, "missing required parameter: hei_id"),
        ("/ewp/institutions", {"hei_id": [f"h{i}.ac.jp" for i in range(11)]}, "too many values of hei_id"),
        ("/ewp/ounits", {"hei_id": ["a.ac.jp", "b.ac.jp"]}, "must be given once"),
        ("/ewp/ounits", {"hei_id": "nobody.ac.jp"}, "not covered by this host"),
        ("/ewp/iias", {"hei_id": "x" * 300}, "1–255 characters"),
    ],
)
def test_a_bad_request_gets_an_ewp_error_response(client, hei, url, params, message) -> None:
    # when
    status, root, _ = _get(client, url, **params)
    # then
    assert status == 400
    assert etree.QName(root).localname == "error-response"
    assert message in root.findtext("{*}developer-message")
    assert ewp_validator().problems(root) == []


def test_only_get_is_served(client, hei) -> None:
    assert client.post("/ewp/institutions?hei_id=e-u.ac.jp").status_code == 405


BAD_VALUES = ["a%00b", "x" * 300, "%zz", "%C3", "null", "%C2%B2", ""]


def test_every_ewp_parameter_refuses_bad_values_in_both_languages(client, hei) -> None:
    # given: every route and parameter, each kind of bad value (the bad-input gate's, for EWP)
    routes = {
        "/ewp/institutions": ["hei_id"],
        "/ewp/ounits": ["hei_id", "ounit_id"],
        "/ewp/factsheet": ["hei_id"],
        "/ewp/iias": ["hei_id", "iia_id"],
        "/ewp/iias/approval": ["hei_id", "iia_id"],
    }
    validator = ewp_validator()
    wrong = []
    for url, names in routes.items():
        for name in names:
            for value in BAD_VALUES:
                other = "&hei_id=e-u.ac.jp" if name != "hei_id" else ""
                response = client.get(f"{url}?{name}={value}{other}")
                if response.status_code >= 500:
                    wrong.append((url, name, value[:10], response.status_code))
                    continue
                root = etree.fromstring(response.content)
                if response.status_code == 400:
                    messages = {
                        m.get("{http://www.w3.org/XML/1998/namespace}lang")
                        for m in root.iter("{*}user-message")
                    }
                    if messages != {"ja", "en"} or validator.problems(root):
                        wrong.append((url, name, value[:10], "message"))
    assert wrong == []


def test_iias_by_id_at_the_url(client, heis) -> None:
    # given
    home, unit, partner = heis
    wanted = ewp_agreement(home, unit, partner)
    ewp_agreement(home, unit, partner)
    ewp_agreement(home, unit, partner, public=False)
    # when
    response = client.get("/ewp/iias", {"hei_id": "f-u.ac.jp", "iia_id": [str(wanted.iia_id), "nope"]})
    every = etree.fromstring(client.get("/ewp/iias", {"hei_id": "f-u.ac.jp"}).content)
    # then
    root = etree.fromstring(response.content)
    assert response.status_code == 200
    assert [e.text for e in root.findall("{*}iia/{*}partner/{*}iia-id")] == [str(wanted.iia_id)]
    assert len(every.findall("{*}iia")) == 2  # the internal one is not served
    assert ewp_validator().problems(root) == []
