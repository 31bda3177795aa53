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

from renkei.core.messages import Msg
from renkei.formats.ewp import agreements, build, registry

MAX_IDS = 10
MAX_LENGTH = 255
XML = "application/xml; charset=utf-8"


class BadRequest(ValueError):
    def __init__(self, message: Msg) -> None:
        super().__init__(message.en)
        self.message = message


MISSING = Msg("必須のパラメータ {name} がありません。", "missing required parameter: {name}")
ONCE = Msg(
    "パラメータ {name} は1回だけ指定してください（{count}回指定されています）。",
    "parameter {name} must be given once, got {count}",
)
TOO_MANY = Msg(
    "パラメータ {name} は{most}個までです（{count}個指定されています）。",
    "too many values of {name}: at most {most}, got {count}",
)
BAD_VALUE = Msg(
    "パラメータ {name} の値は、制御文字を含まない1〜{most}文字で指定してください。",
    "each {name} must be 1–{most} characters without control characters",
)
NOT_COVERED = Msg(
    "hei_id {hei_id} はこのサーバーが扱う機関ではありません。", "hei_id {hei_id} is not covered by this host"
)


def _xml(root: etree._Element, status: int = 200) -> HttpResponse:
    response = HttpResponse(build.to_bytes(root), content_type=XML, status=status)
    response["Cache-Control"] = "public, max-age=300"
    return response


def _printable(value: str) -> bool:
    return all(ch.isprintable() for ch in value)


def _ids(request: HttpRequest, name: str, *, required: bool = True, single: bool = False) -> list[str]:
    values = [value.strip() for value in request.GET.getlist(name)]
    if required and not any(values):
        raise BadRequest(MISSING.format(name=name))
    if single and len(values) > 1:
        raise BadRequest(ONCE.format(name=name, count=len(values)))
    if len(values) > MAX_IDS:
        raise BadRequest(TOO_MANY.format(name=name, most=MAX_IDS, count=len(values)))
    for value in values:
        if not value or len(value) > MAX_LENGTH or not _printable(value):
            raise BadRequest(BAD_VALUE.format(name=name, most=MAX_LENGTH))
    return values


def _ewp(view: Callable[[HttpRequest], etree._Element]) -> Callable[[HttpRequest], HttpResponse]:
    @require_GET
    def wrapped(request: HttpRequest) -> HttpResponse:
        try:
            return _xml(view(request))
        except BadRequest as error:
            return _xml(
                build.error_response(error.message.en, {"ja": error.message.ja, "en": error.message.en}), 400
            )

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
        raise BadRequest(NOT_COVERED.format(hei_id=hei_id))
    return build.ounits_response(units)


@_ewp
def factsheet(request: HttpRequest) -> etree._Element:
    """Factsheet API v1: `?hei_id=…` (repeatable)."""
    return build.factsheet_response(registry.factsheets(_ids(request, "hei_id")))


@_ewp
def iias(request: HttpRequest) -> etree._Element:
    """IIAs API v7 get: `?hei_id=…&iia_id=…` (iia_id repeatable; the HEI is the first partner). Without
    iia_id, all of the HEI's public IIAs (a convenience in place of the index endpoint)."""
    hei_id = _ids(request, "hei_id", single=True)[0]
    return build.iias_get_response(agreements.iias(hei_id, _ids(request, "iia_id", required=False) or None))


@_ewp
def iia_approval(request: HttpRequest) -> etree._Element:
    """IIA Approval API v2: `?hei_id=…&iia_id=…` — the approvals `hei_id` (a Renkei HEI) gave to the
    partner's copies of IIAs, named by the partner's iia_id (repeatable)."""
    hei_id = _ids(request, "hei_id", single=True)[0]
    return build.iia_approval_response(
        agreements.approvals(hei_id, _ids(request, "iia_id", required=False) or None)
    )
