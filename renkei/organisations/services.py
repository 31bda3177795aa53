"""Writes to the registry of organisations: organisations and units, identifiers, group components,
people and affiliations (see `renkei.core.services`).

Moving a unit to another parent, adding a component to a group and granting a role are checked
against the target as well as the row (`renkei.organisations.policy`); a parent that would make a
cycle is refused by the rules (`renkei.organisations.rules`).
"""

from __future__ import annotations

from renkei.core.services import record_services
from renkei.organisations.models import Affiliation, GroupComponent, Identifier, Organisation, Person

organisation_save, organisation_delete = record_services(
    Organisation, "organisation", module=__name__, relations=("sources",)
)
identifier_save, identifier_delete = record_services(Identifier, "identifier", module=__name__)
group_component_save, group_component_delete = record_services(
    GroupComponent, "group_component", module=__name__
)
person_save, person_delete = record_services(Person, "person", module=__name__)
affiliation_save, affiliation_delete = record_services(Affiliation, "affiliation", module=__name__)
