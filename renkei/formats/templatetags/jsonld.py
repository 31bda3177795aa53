"""`{% page_jsonld %}`: the schema.org JSON-LD of the page being rendered (see `renkei.formats.pages`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from renkei.formats import jsonld, pages

register = template.Library()


@register.simple_tag(takes_context=True)
def page_jsonld(context: Any) -> SafeString:
    request = context.get("request")
    if request is None:
        return SafeString("")
    nodes = pages.graph(request, context)
    return format_html_join(
        "\n", '<script type="application/ld+json">{}</script>', ((jsonld.script_json(n),) for n in nodes)
    )
