"""The networks' governance in the API: bodies, posts (with terms of office), documents and meetings,
as the network page shows them; every read through the policy (a meeting not marked public is seen by
the network's members and secretariat only)."""

from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router

from renkei.api.governance_schemas import (
    BodyOut,
    BodyPage,
    DocumentDetailOut,
    DocumentPage,
    MeetingDetailOut,
    MeetingPage,
    PostPage,
)
from renkei.api.paging import page_body
from renkei.core.pagination import CursorParams, cursor, keyset_page
from renkei.core.params import Optional, RecordId
from renkei.networks import selectors
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
