"""Writes to networks and their governance records: memberships, declared counts, bylaws and their
versions, bodies, participants, posts, tenures, meetings with their agenda, attendance and
decisions, and the secretariat's staff list (see `renkei.core.services`).

Every record is written by its network's secretariat (`renkei.networks.policy`); moving a record
to another network is checked against both.
"""

from __future__ import annotations

from renkei.core.services import record_services
from renkei.networks.models import (
    AgendaItem,
    Attendance,
    Body,
    BodyParticipant,
    Decision,
    DeclaredCount,
    Document,
    DocumentVersion,
    Meeting,
    Membership,
    Network,
    NetworkStaff,
    Post,
    Tenure,
)

network_save, network_delete = record_services(Network, "network", module=__name__, relations=("sources",))
network_staff_save, network_staff_delete = record_services(NetworkStaff, "network_staff", module=__name__)
membership_save, membership_delete = record_services(Membership, "membership", module=__name__)
declared_count_save, declared_count_delete = record_services(DeclaredCount, "declared_count", module=__name__)
document_save, document_delete = record_services(Document, "document", module=__name__)
document_version_save, document_version_delete = record_services(
    DocumentVersion, "document_version", module=__name__
)
body_save, body_delete = record_services(Body, "body", module=__name__)
body_participant_save, body_participant_delete = record_services(
    BodyParticipant, "body_participant", module=__name__
)
post_save, post_delete = record_services(Post, "post", module=__name__)
tenure_save, tenure_delete = record_services(Tenure, "tenure", module=__name__)
meeting_save, meeting_delete = record_services(Meeting, "meeting", module=__name__)
attendance_save, attendance_delete = record_services(Attendance, "attendance", module=__name__)
agenda_item_save, agenda_item_delete = record_services(AgendaItem, "agenda_item", module=__name__)
decision_save, decision_delete = record_services(Decision, "decision", module=__name__)
