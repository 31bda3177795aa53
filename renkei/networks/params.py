"""Query parameters of the network and membership lists, in the one typed layer."""

from __future__ import annotations

from renkei.core.params import Choice, Flag, Optional, Params, Pattern
from renkei.networks.models import Membership
from renkei.organisations.params import OrganisationKey

NETWORK_KEY = r"[A-Za-z0-9_\-]{1,80}"

NetworkKey = Pattern(
    NETWORK_KEY, max_chars=80, description="A network's key.", examples=["yamagata-platform"]
)
MembershipRole = Choice(Membership.Role.values, description="Role in the network.")


class MembershipFilter(Params):
    network: NetworkKey | Optional = None
    organisation: OrganisationKey | Optional = None
    role: MembershipRole | Optional = None
    current: Flag(description="true: only memberships in force today.") | Optional = None
