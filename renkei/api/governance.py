"""The networks' governance in the API: bodies, posts (with terms of office), documents and meetings,
as the network page shows them; every read through the policy (a meeting not marked public is seen by
the network's members and secretariat only)."""

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router

from renkei.api import auth
from renkei.api.governance_schemas import (
    BodyOut,
    BodyPage,
    DocumentDetailOut,
    DocumentPage,
    MeetingDetailOut,
    MeetingPage,
    PostPage,
)
from renkei.api.network_inputs import MeetingChanges, MeetingIn
from renkei.api.paging import page_body
from renkei.api.writes import IdempotencyKeyHeader, assign, by_keys, respond, write_operation
from renkei.core import policy
from renkei.core.messages import Msg
from renkei.core.pagination import CursorParams, cursor, keyset_page
from renkei.core.params import Optional, RecordId
from renkei.networks import selectors, services
from renkei.networks.models import Body, Meeting
from renkei.networks.params import BodyFilter, BodyKey, DocumentFilter, MeetingFilter, NetworkKey, PostFilter

router = Router(tags=["governance"])

BodyCursor = Annotated[str, *cursor(selectors.BODY_KEYSET.name)]
PostCursor = Annotated[str, *cursor(selectors.POST_KEYSET.name)]
DocumentCursor = Annotated[str, *cursor(selectors.DOCUMENT_KEYSET.name)]
MeetingCursor = Annotated[str, *cursor(selectors.MEETING_KEYSET.name)]


class BodyListQuery(BodyFilter, CursorParams):
    cursor: BodyCursor | Optional = None


class PostListQuery(PostFilter, CursorParams):
    cursor: PostCursor | Optional = None


class DocumentListQuery(DocumentFilter, CursorParams):
    cursor: DocumentCursor | Optional = None


class MeetingListQuery(MeetingFilter, CursorParams):
    cursor: MeetingCursor | Optional = None


@router.get("/bodies", response=BodyPage, operation_id="bodies_list")
def bodies_list(request: HttpRequest, params: Query[BodyListQuery]):
    """Bodies of the networks (general assemblies, councils, committees), with their participants."""
    qs = selectors.body_list(user=request.user, network=params.network, kind=params.kind)
    return page_body(
        request, keyset_page(qs, selectors.BODY_KEYSET, cursor=params.cursor, limit=params.limit)
    )


@router.get("/bodies/{network}/{key}", response=BodyOut, operation_id="bodies_detail")
def bodies_detail(request: HttpRequest, network: NetworkKey, key: BodyKey):
    return selectors.body_get(user=request.user, network=network, key=key)


@router.get("/posts", response=PostPage, operation_id="posts_list")
def posts_list(request: HttpRequest, params: Query[PostListQuery]):
    """Posts in the bodies (chairs, member seats), with their terms of office."""
    qs = selectors.post_list(user=request.user, network=params.network, body=params.body)
    return page_body(
        request, keyset_page(qs, selectors.POST_KEYSET, cursor=params.cursor, limit=params.limit)
    )


@router.get("/documents", response=DocumentPage, operation_id="documents_list")
def documents_list(request: HttpRequest, params: Query[DocumentListQuery]):
    """Governing documents of the networks (bylaws, rules), with their versions."""
    qs = selectors.document_list(user=request.user, network=params.network, kind=params.kind)
    return page_body(
        request, keyset_page(qs, selectors.DOCUMENT_KEYSET, cursor=params.cursor, limit=params.limit)
    )


@router.get("/documents/{document_id}", response=DocumentDetailOut, operation_id="documents_detail")
def documents_detail(request: HttpRequest, document_id: RecordId):
    """A document with the text of each version."""
    return selectors.document_get(user=request.user, pk=document_id)


@router.get("/meetings", response=MeetingPage, operation_id="meetings_list")
def meetings_list(request: HttpRequest, params: Query[MeetingListQuery]):
    """Meetings of the bodies, the latest first: public ones for everyone, the others for the network's
    members and secretariat."""
    qs = selectors.meeting_list(
        user=request.user, network=params.network, body=params.body, public=params.public
    )
    return page_body(
        request, keyset_page(qs, selectors.MEETING_KEYSET, cursor=params.cursor, limit=params.limit)
    )


@router.get("/meetings/{meeting_id}", response=MeetingDetailOut, operation_id="meetings_detail")
def meetings_detail(request: HttpRequest, meeting_id: RecordId):
    """A meeting with its agenda, decisions, attendance and minutes."""
    return selectors.meeting_get(user=request.user, pk=meeting_id)


# --- writes (see renkei.api.writes): the network's secretariat keeps its bodies' meetings ---------------

BODY = Msg("会議体", "body")


def _meeting_url(meeting: Meeting) -> str:
    return reverse("api-v1:meetings_detail", kwargs={"meeting_id": meeting.pk})


@router.post(
    "/meetings",
    response={201: MeetingDetailOut},
    auth=auth.WRITE,
    operation_id="meetings_create",
    summary="Record a meeting of a body",
)
@write_operation
def meetings_create(
    request: HttpRequest, payload: MeetingIn, idempotency_key: IdempotencyKeyHeader = None
) -> HttpResponse:
    """The network's secretariat records a meeting of one of its bodies (named by the network's key
    and the body's key); a meeting not marked public is seen by the network's members only."""
    values: dict[str, Any] = payload.given()
    network = values.pop("network")
    body = by_keys("body", Body, "key", [values.pop("body")], BODY, network__key=network)[0]
    meeting = Meeting(body=body)
    assign(meeting, values)
    services.meeting_save(meeting=meeting, actor=request.user)
    return respond(
        MeetingDetailOut,
        selectors.meeting_get(user=request.user, pk=meeting.pk),
        status=201,
        location=_meeting_url(meeting),
    )


@router.patch(
    "/meetings/{meeting_id}",
    response={200: MeetingDetailOut},
    auth=auth.WRITE,
    operation_id="meetings_update",
    summary="Change a meeting",
)
@write_operation
def meetings_update(
    request: HttpRequest,
    meeting_id: RecordId,
    payload: MeetingChanges,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    """Change the members given (the others are kept): title, date, place, minutes, whether public."""
    meeting = policy.visible(request.user, Meeting.objects.select_related("body__network")).get(pk=meeting_id)
    assign(meeting, payload.given())
    services.meeting_save(meeting=meeting, actor=request.user)
    return respond(MeetingDetailOut, selectors.meeting_get(user=request.user, pk=meeting.pk))
