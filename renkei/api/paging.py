"""Cursor pages in the API's responses: the items, how many match, and the link to the next page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema

from renkei.core.pagination import Page


class PageOut(Schema):
    count: int = Field(description="How many items match, on all pages.")
    next: str | None = Field(
        description="URL of the next page (same filters, a new cursor); null on the last."
    )


def next_url(request: HttpRequest, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def page_body(request: HttpRequest, page: Page[Any], items: list[Any] | None = None) -> dict[str, Any]:
    return {
        "items": page.items if items is None else items,
        "count": page.count,
        "next": next_url(request, page.next_cursor),
    }
