"""The one policy, persona by persona: renkei.core.policy.can() and visible() on a real database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from factories import (
    AffiliationFactory,
    AgendaItemFactory,
    BodyFactory,
    IdentifierFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PostFactory,
    UserFactory,
)

from renkei.accounts.models import User
from renkei.core import policy
from renkei.core.policy import Action
from renkei.networks.models import AgendaItem, Meeting, Membership, Network
from renkei.organisations.models import Affiliation, Identifier, Organisation

VIEW, ADD, CHANGE, DELETE = Action.VIEW, Action.ADD, Action.CHANGE, Action.DELETE
TODAY = timezone.localdate()


def fresh(user: Any) -> Any:
    """The user as a new request would load it (the policy caches roles on the user object)."""
    return User.objects.get(pk=user.pk) if user.is_authenticated else user


@pytest.fixture
def world(owner_org, owner_unit, other_org, network, other_network) -> dict[str, Any]:
    """One object of each kind the matrix asks about; 'other_*' ones belong to network M."""
    body = BodyFactory(network=network)
    other_body = BodyFactory(network=other_network)
    return {
        "owner_org": owner_org,
        "owner_unit": owner_unit,
        "other_org": other_org,
        "new_unit_of_owner_org": Organisation(
            key="owner-u.new", kind=Organisation.Kind.FACULTY, parent=owner_org
        ),
        "new_unit_of_other_org": Organisation(
            key="other-u.new", kind=Organisation.Kind.FACULTY, parent=other_org
        ),
        "new_top_level_org": Organisation(key="new-u", kind=Organisation.Kind.UNIVERSITY),
        "owner_identifier": IdentifierFactory(organisation=owner_org),
        "other_identifier": IdentifierFactory(organisation=other_org),
        "network": network,
        "other_network": other_network,
        "new_network": Network(key="new-network", kind=Network.Kind.FORUM, name_ja="新ネットワーク"),
        "membership": Membership.objects.get(network=network, organisation=owner_org),
        "new_membership": Membership(network=network, organisation=OrganisationFactory()),
        "body": body,
        "post": PostFactory(body=body),
        "meeting": MeetingFactory(body=body),
        "other_membership": other_network.memberships.get(),
        "other_body": other_body,
        "other_post": PostFactory(body=other_body),
        "other_meeting": MeetingFactory(body=other_body),
    }


T, F = True, False
MATRIX = [
    # an editor changes their own organisation and its units, not another university
    ("owner", VIEW, "other_org", T),
    ("owner", CHANGE, "owner_org", T),
    ("owner", CHANGE, "owner_unit", T),
    ("owner", CHANGE, "other_org", F),
    ("owner", CHANGE, "owner_identifier", T),
    ("owner", CHANGE, "other_identifier", F),
    ("owner", ADD, "new_unit_of_owner_org", F),
    ("owner", DELETE, "owner_unit", F),
    ("owner", ADD, "new_top_level_org", F),
    ("owner", CHANGE, "network", F),
    ("owner", CHANGE, "membership", F),
    ("owner", CHANGE, "body", F),
    ("owner", VIEW, "meeting", T),
    ("owner", VIEW, "other_meeting", F),
    # a viewer reads and never writes
    ("viewer", VIEW, "owner_org", T),
    ("viewer", CHANGE, "owner_org", F),
    ("viewer", CHANGE, "owner_unit", F),
    ("viewer", CHANGE, "owner_identifier", F),
    ("viewer", VIEW, "meeting", T),
    # an administrator adds and removes units under their organisation, never top-level organisations
    ("org_admin", CHANGE, "owner_org", T),
    ("org_admin", CHANGE, "owner_unit", T),
    ("org_admin", ADD, "new_unit_of_owner_org", T),
    ("org_admin", DELETE, "owner_unit", T),
    ("org_admin", ADD, "new_unit_of_other_org", F),
    ("org_admin", ADD, "new_top_level_org", F),
    ("org_admin", DELETE, "owner_org", F),
    ("org_admin", CHANGE, "other_org", F),
    # the other university's editor is the owner's mirror image
    ("other_org_editor", CHANGE, "other_org", T),
    ("other_org_editor", CHANGE, "owner_org", F),
    ("other_org_editor", CHANGE, "owner_unit", F),
    ("other_org_editor", CHANGE, "owner_identifier", F),
    ("other_org_editor", VIEW, "meeting", T),
    # outsiders and anonymous visitors only read public records
    *[
        (persona, action, name, expected)
        for persona in ("outsider", "anonymous")
        for action, name, expected in [
            (VIEW, "owner_org", T),
            (VIEW, "owner_unit", T),
            (VIEW, "network", T),
            (VIEW, "membership", T),
            (VIEW, "body", T),
            (VIEW, "post", T),
            (VIEW, "owner_identifier", T),
            (VIEW, "meeting", F),
            (CHANGE, "owner_org", F),
            (CHANGE, "owner_unit", F),
            (DELETE, "owner_unit", F),
            (ADD, "new_unit_of_owner_org", F),
            (ADD, "new_top_level_org", F),
            (CHANGE, "owner_identifier", F),
            (CHANGE, "network", F),
            (ADD, "new_membership", F),
            (CHANGE, "membership", F),
            (CHANGE, "body", F),
            (CHANGE, "post", F),
            (CHANGE, "meeting", F),
        ]
    ],
    # the secretariat keeps its own network's records, not another network's
    ("secretariat", CHANGE, "network", T),
    ("secretariat", ADD, "new_membership", T),
    ("secretariat", CHANGE, "membership", T),
    ("secretariat", DELETE, "membership", T),
    ("secretariat", CHANGE, "body", T),
    ("secretariat", CHANGE, "post", T),
    ("secretariat", CHANGE, "meeting", T),
    ("secretariat", CHANGE, "other_network", F),
    ("secretariat", CHANGE, "other_membership", F),
    ("secretariat", CHANGE, "other_body", F),
    ("secretariat", CHANGE, "other_post", F),
    ("secretariat", CHANGE, "other_meeting", F),
    ("secretariat", VIEW, "other_meeting", F),
    ("secretariat", ADD, "new_network", F),
    ("secretariat", DELETE, "network", F),
    ("secretariat", CHANGE, "owner_org", F),
    ("secretariat", ADD, "new_unit_of_owner_org", F),
    ("secretariat", ADD, "new_top_level_org", T),  # registers a prospective member
    pytest.param(
        "secretariat",
        VIEW,
        "meeting",
        T,
        id="secretariat-view-meeting",
    ),
    # a superuser may do anything
    *[
        ("superuser", action, name, T)
        for action, name in [
            (CHANGE, "other_org"),
            (ADD, "new_top_level_org"),
            (DELETE, "owner_org"),
            (ADD, "new_network"),
            (DELETE, "network"),
            (CHANGE, "other_body"),
            (VIEW, "other_meeting"),
            (CHANGE, "other_meeting"),
        ]
    ],
]


def _param(row: Any) -> Any:
    """Name each row persona-action-object; rows that are already pytest.param keep their own id."""
    if hasattr(row, "marks"):  # already a pytest.param
        return row
    persona, action, name, _ = row
    return pytest.param(*row, id=f"{persona}-{action}-{name}")


@pytest.mark.parametrize(("persona", "action", "name", "expected"), [_param(row) for row in MATRIX])
def test_can(request, world, persona, action, name, expected):
    # given
    user = request.getfixturevalue(persona)
    # when
    allowed = policy.can(fresh(user), action, world[name])
    # then
    assert allowed is expected


def test_require_raises_permission_denied(world, outsider):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        policy.require(fresh(outsider), CHANGE, world["owner_org"])


def test_an_inactive_superuser_has_no_powers(world, superuser):
    # given
    User.objects.filter(pk=superuser.pk).update(is_active=False)
    # when / then
    assert not policy.can(fresh(superuser), CHANGE, world["owner_org"])


# --- secretariat through a secretariat membership ---------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "counts"),
    [
        pytest.param(dt.date(2021, 4, 1), None, True, id="current"),
        pytest.param(dt.date(2021, 4, 1), TODAY + dt.timedelta(days=30), True, id="ends-later"),
        pytest.param(dt.date(2021, 4, 1), TODAY - dt.timedelta(days=1), False, id="expired"),
        pytest.param(TODAY + dt.timedelta(days=1), None, False, id="not-yet-started"),
    ],
)
def test_an_editor_at_the_secretariat_organisation_counts_as_secretariat(
    world, owner, viewer, owner_org, network, start, end, counts
):
    # given: A holds N's secretariat membership for the given period
    MembershipFactory(
        network=network,
        organisation=owner_org,
        role=Membership.Role.SECRETARIAT,
        start_date=start,
        end_date=end,
    )
    # when
    decisions = {
        name: policy.can(fresh(owner), CHANGE, world[name])
        for name in ("network", "membership", "body", "post", "meeting")
    }
    # then
    assert decisions == dict.fromkeys(decisions, counts)
    assert not policy.can(fresh(owner), CHANGE, world["other_body"])
    assert not policy.can(fresh(viewer), CHANGE, world["body"])  # a viewer there is not secretariat


def test_an_editor_at_a_unit_of_the_secretariat_organisation_is_not_secretariat(
    world, owner_org, owner_unit, network
):
    # given
    MembershipFactory(network=network, organisation=owner_org, role=Membership.Role.SECRETARIAT)
    unit_editor = AffiliationFactory(organisation=owner_unit, role=Affiliation.Role.EDITOR).user
    # when / then
    assert policy.can(fresh(unit_editor), CHANGE, owner_unit)
    assert not policy.can(fresh(unit_editor), CHANGE, world["body"])


def test_a_member_role_at_the_network_does_not_make_an_editor_secretariat(world, owner):
    # given: A is only a member of N (the `network` fixture)
    # when / then
    assert not policy.can(fresh(owner), CHANGE, world["membership"])


# --- meetings: public ones for all, the others for members' users and the secretariat ----------------


@pytest.fixture
def meetings(network, other_network) -> dict[str, Meeting]:
    private = MeetingFactory(body=BodyFactory(network=network), title_ja="非公開", is_public=False)
    public_elsewhere = MeetingFactory(
        body=BodyFactory(network=other_network), title_ja="公開", is_public=True
    )
    private_elsewhere = MeetingFactory(body=BodyFactory(network=other_network), title_ja="他網非公開")
    AgendaItemFactory(meeting=private)
    AgendaItemFactory(meeting=public_elsewhere)
    AgendaItemFactory(meeting=private_elsewhere)
    return {"private": private, "public_elsewhere": public_elsewhere, "private_elsewhere": private_elsewhere}


@pytest.fixture
def former_member(network) -> User:
    """An editor at an organisation whose membership of N ended last year."""
    former = OrganisationFactory(key="former-u")
    MembershipFactory(network=network, organisation=former, end_date=TODAY - dt.timedelta(days=365))
    return AffiliationFactory(organisation=former, role=Affiliation.Role.EDITOR).user


MEETING_VISIBILITY = [
    ("owner", {"private", "public_elsewhere"}),
    ("viewer", {"private", "public_elsewhere"}),
    ("org_admin", {"private", "public_elsewhere"}),
    ("other_org_editor", {"private", "public_elsewhere"}),
    pytest.param(
        "secretariat",
        {"private", "public_elsewhere"},
        id="secretariat",
    ),
    ("former_member", {"public_elsewhere"}),
    ("outsider", {"public_elsewhere"}),
    ("anonymous", {"public_elsewhere"}),
    ("superuser", {"private", "public_elsewhere", "private_elsewhere"}),
]


def _persona_id(value: Any) -> str | None:
    return value if isinstance(value, str) else "-"


@pytest.mark.parametrize(("persona", "expected"), MEETING_VISIBILITY, ids=_persona_id)
def test_meeting_visibility(request, meetings, persona, expected):
    # given
    user = request.getfixturevalue(persona)
    names = {meeting.pk: name for name, meeting in meetings.items()}
    # when
    seen = {
        names[pk] for pk in policy.visible(fresh(user), Meeting.objects.all()).values_list("pk", flat=True)
    }
    seen_items = {
        names[meeting_id]
        for meeting_id in policy.visible(fresh(user), AgendaItem.objects.all()).values_list(
            "meeting_id", flat=True
        )
    }
    allowed = {name for name, meeting in meetings.items() if policy.can(fresh(user), VIEW, meeting)}
    # then
    assert seen == expected
    assert seen_items == expected  # agenda items follow their meeting
    assert allowed == expected  # can() agrees with visible()


def test_a_meeting_becomes_visible_to_all_once_public(meetings, outsider, anonymous):
    # given
    meeting = meetings["private"]
    assert not policy.can(fresh(outsider), VIEW, meeting)
    # when
    meeting.is_public = True
    meeting.save()
    # then
    for user in (outsider, anonymous):
        assert policy.visible(fresh(user), Meeting.objects.filter(pk=meeting.pk)).exists()


# --- affiliations: seen by the organisation's administrators and by the user themself -----------------


@pytest.fixture
def affiliations(owner, viewer, org_admin, other_org_editor, owner_unit) -> dict[str, Affiliation]:
    unit_viewer = AffiliationFactory(user=UserFactory(username="unit-viewer"), organisation=owner_unit)
    return {
        "owner": owner.affiliations.get(),
        "viewer": viewer.affiliations.get(),
        "org_admin": org_admin.affiliations.get(),
        "other_org_editor": other_org_editor.affiliations.get(),
        "unit_viewer": unit_viewer,
    }


AFFILIATION_VISIBILITY = [
    ("org_admin", {"owner", "viewer", "org_admin", "unit_viewer"}),  # units are covered by the role
    ("owner", {"owner"}),
    ("viewer", {"viewer"}),
    ("other_org_editor", {"other_org_editor"}),
    ("outsider", set()),
    ("anonymous", set()),
    ("secretariat", set()),
    ("superuser", {"owner", "viewer", "org_admin", "other_org_editor", "unit_viewer"}),
]


@pytest.mark.parametrize(("persona", "expected"), AFFILIATION_VISIBILITY, ids=_persona_id)
def test_affiliation_visibility(request, affiliations, persona, expected):
    # given
    user = request.getfixturevalue(persona)
    names = {affiliation.pk: name for name, affiliation in affiliations.items()}
    # when
    seen = {
        names[pk]
        for pk in policy.visible(fresh(user), Affiliation.objects.all()).values_list("pk", flat=True)
    }
    allowed = {
        name for name, affiliation in affiliations.items() if policy.can(fresh(user), VIEW, affiliation)
    }
    # then
    assert seen == expected
    assert allowed == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("org_admin", True),
        ("owner", False),
        ("viewer", False),
        ("other_org_editor", False),
        ("outsider", False),
    ],
)
def test_only_the_organisations_admins_change_its_affiliations(request, affiliations, persona, expected):
    user = request.getfixturevalue(persona)
    assert policy.can(fresh(user), CHANGE, affiliations["viewer"]) is expected


def test_visible_returns_everything_public_to_anonymous(world, anonymous):
    # given: organisations, networks, memberships and identifiers are public records
    # when / then
    for model in (Organisation, Network, Membership, Identifier):
        everything = set(model.objects.values_list("pk", flat=True))
        assert set(policy.visible(anonymous, model.objects.all()).values_list("pk", flat=True)) == everything


def test_a_model_gets_its_rules_once() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from renkei.core import policy
    from renkei.organisations.models import Organisation

    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        policy.register(Organisation, policy.PublicReadOnly())
    assert type(policy.rules_for(Organisation)).__name__ == "OrganisationRulesWithSecretariat"


def test_every_model_with_an_admin_page_has_rules() -> None:
    from django.contrib import admin

    from renkei.core import policy

    for model in admin.site._registry:
        if model.__module__.startswith("renkei."):
            assert policy.rules_for(model) is not None
