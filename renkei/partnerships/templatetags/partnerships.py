"""`{% unit_partnerships organisation %}`: the partnerships a unit takes part in, for the organisation
page (a small include, so the organisation view need not know about partnerships)."""

from __future__ import annotations

from typing import Any

from django import template

from renkei.partnerships import selectors

register = template.Library()


@register.inclusion_tag("portal/partnerships/partials/_unit_partnerships.html", takes_context=True)
def unit_partnerships(context: dict[str, Any], organisation: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"memberships": selectors.unit_partnerships(user=user, unit=organisation)}


@register.inclusion_tag("portal/partnerships/partials/_network_projects.html", takes_context=True)
def network_projects(context: dict[str, Any], network: Any) -> dict[str, Any]:
    """The projects run inside a network (a forum's member projects), for the network page."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"projects": selectors.network_projects(user=user, network=network)}
