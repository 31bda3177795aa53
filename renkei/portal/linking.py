"""Public text that names an organisation of the registry links to its page.

A partner's note says it is 東京大学's strategic partner: the name becomes a link to 東京大学's page.
Names are matched longest first, each place once, never inside a longer name already linked; the
page's own organisation is not linked. Everything else is escaped.
"""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


def link_names(text: str, names: list[tuple[str, str]], *, skip: str = "") -> SafeString:
    """`text` as HTML, with every mention of a (name, key) in `names` (longest first) linked."""
    wanted = [(name, key) for name, key in names if key != skip and name in text]
    if not text or not wanted:
        return mark_safe(escape(text))
    keys = dict(wanted)
    pattern = re.compile("|".join(re.escape(name) for name, _ in wanted))
    pieces: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        url = reverse("portal:organisation-detail", args=[keys[match.group(0)]])
        pieces.append(format_html('<a href="{}">{}</a>', url, match.group(0)))
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))
