"""EWP documents at stable URLs: plain HTTP GET, XML, public records only.

Out of scope: the EWP network's own machinery — the EWP Registry (manifest and catalogue),
HTTP Signatures for client and server authentication, and the CNR/notification APIs. These URLs
serve the same documents an EWP host would, to anyone, as open data: they hold only what everybody
may see (the registry is public; agreements only when public and signed).

Parameters follow the EWP APIs: `hei_id` (and `ounit_id`, `iia_id`) may be repeated up to
MAX_IDS times. A request that misses a required parameter, repeats one too often or repeats a single
one gets a 400 with EWP's `error-response`. Unknown parameters are ignored, as EWP asks of servers.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from lxml import etree

from renkei.formats.ewp import agreements, build, registry

MAX_IDS = 10
MAX_LENGTH = 255
XML = "application/xml; charset=utf-8"


class BadRequest(ValueError):
    pass


def _xml(root: etree._Element, status: int = 200) -> HttpResponse:
    response = HttpResponse(build.to_bytes(root), content_type=XML, status=status)
    response["Cache-Control"] = "public, max-age=300"
    return response


def _ids(request: HttpRequest, name: str, *, required: bool = True, single: bool = False) -> list[str]:
    values = [value.strip() for value in request.GET.getlist(name)]
    if required and not any(values):
        raise BadRequest(f"missing required parameter: {name}")
    if single and len(values) > 1:
        raise BadRequest(f"parameter {name} must be given once, got {len(values)}")
    if len(values) > MAX_IDS:
        raise BadRequest(f"too many values of {name}: at most {MAX_IDS}, got {len(values)}")
    for value in values:
        if not value or len(value) > MAX_LENGTH:
            raise BadRequest(f"each {name} must be 1–{MAX_LENGTH} characters")
    return values


def _ewp(view: Callable[[HttpRequest], etree._Element]) -> Callable[[HttpRequest], HttpResponse]:
    @require_GET
    def wrapped(request: HttpRequest) -> HttpResponse:
        try:
            return _xml(view(request))
        except BadRequest as error:
            return _xml(build.error_response(str(error)), status=400)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@_ewp
def institutions(request: HttpRequest) -> etree._Element:
    """Institutions API v2: `?hei_id=…` (repeatable)."""
    return build.institutions_response(registry.institutions(_ids(request, "hei_id")))


@_ewp
def ounits(request: HttpRequest) -> etree._Element:
    """Organizational Units API v2: `?hei_id=…` and, optionally, `&ounit_id=…` (repeatable); without
    ounit_id, all of the HEI's units (a convenience: EWP requires ounit_id or ounit_code)."""
    hei_id = _ids(request, "hei_id", single=True)[0]
    wanted = _ids(request, "ounit_id", required=False) or None
    units = registry.ounits(hei_id, wanted)
    if units is None:
        raise BadRequest(f"hei_id {hei_id} is not covered by this host")
    return build.ounits_response(units)


@_ewp
def factsheet(request: HttpRequest) -> etree._Element:
    """Factsheet API v1: `?hei_id=…` (repeatable)."""
    return build.factsheet_response(registry.factsheets(_ids(request, "hei_id")))


@_ewp
def iias(request: HttpRequest) -> etree._Element:
    """IIAs API v7 get: `?hei_id=…&iia_id=…` (iia_id repeatable; the HEI is the first partner)."""
    hei_id = _ids(request, "hei_id", single=True)[0]
    return build.iias_get_response(agreements.iias(hei_id, _ids(request, "iia_id")))


@_ewp
def iia_approval(request: HttpRequest) -> etree._Element:
    """IIA Approval API v2: `?hei_id=…&iia_id=…` — the approvals `hei_id` (a Renkei HEI) gave to the
    partner's copies of IIAs, named by the partner's iia_id (repeatable)."""
    hei_id = _ids(request, "hei_id", single=True)[0]
    return build.iia_approval_response(agreements.approvals(hei_id, _ids(request, "iia_id")))
