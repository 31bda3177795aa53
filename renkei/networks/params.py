"""Query parameters of the network and membership lists, in the one typed layer."""

from __future__ import annotations

from typing import Annotated

from renkei.core.params import Optional, Params, choice, flag, pattern
from renkei.networks.models import Body, Document, Membership
from renkei.organisations.params import OrganisationKey

NETWORK_KEY = r"[A-Za-z0-9_\-]{1,80}"

NetworkKey = Annotated[
    str,
    *pattern(NETWORK_KEY, max_chars=80, description="A network's key.", examples=["yamagata-platform"]),
]
MembershipRole = Annotated[str, *choice(Membership.Role.values, description="Role in the network.")]
CurrentOnly = Annotated[bool, *flag(description="true: only memberships in force today.")]


class MembershipFilter(Params):
    network: NetworkKey | Optional = None
    organisation: OrganisationKey | Optional = None
    role: MembershipRole | Optional = None
    current: CurrentOnly | Optional = None


BodyKindParam = Annotated[str, *choice(Body.Kind.values, description="Kind of body.")]
DocumentKindParam = Annotated[str, *choice(Document.Kind.values, description="Kind of document.")]
BodyKey = Annotated[
    str,
    *pattern(NETWORK_KEY, max_chars=80, description="A body's key within its network.", examples=["council"]),
]
PublicOnly = Annotated[bool, *flag(description="true: only meetings marked public; false: only the others.")]


class BodyFilter(Params):
    network: NetworkKey | Optional = None
    kind: BodyKindParam | Optional = None


class PostFilter(Params):
    network: NetworkKey | Optional = None
    body: BodyKey | Optional = None


class DocumentFilter(Params):
    network: NetworkKey | Optional = None
    kind: DocumentKindParam | Optional = None


class MeetingFilter(Params):
    network: NetworkKey | Optional = None
    body: BodyKey | Optional = None
    public: PublicOnly | Optional = None
