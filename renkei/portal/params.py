"""The pages' side of the typed parameter layer: parse before the view runs, explain what was wrong.

`@parses(Model)` hands the view its parsed parameters (`renkei.core.params`); a bad parameter gives
the page "bad_parameters.html" (status 400) that names it in the user's language, never a 500.
Path converters bound what a URL segment may hold before any lookup (an id a 64-bit column holds,
keys in the one key syntax of `renkei.core.keys`, codes without NUL or '/').
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import register_converter

from renkei.core.keys import KeyConverter
from renkei.core.params import ParamErrors, Params

P = TypeVar("P", bound=Params)


def bad_parameters(request: HttpRequest, exc: ParamErrors) -> HttpResponse:
    return render(request, "portal/bad_parameters.html", {"problems": exc.problems}, status=400)


def parses(model: type[P]) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def parsed(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                params = model.from_request(request)
            except ParamErrors as exc:
                return bad_parameters(request, exc)
            return view(request, params, *args, **kwargs)

        return parsed

    return decorate


class IdConverter:
    """A record id: 1 to 18 digits, so that it fits in a 64-bit column."""

    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class CodeConverter(KeyConverter):
    """A program code: no '/', no NUL (Django decodes %00 in a path)."""

    regex = "[^/\x00]+"


register_converter(IdConverter, "id")
register_converter(KeyConverter, "key")
register_converter(CodeConverter, "code")
