"""Natural keys: one syntax for every stable identifier used in URLs, files and the API.

A key is lower-case ASCII letters and digits, with '.', '_' and '-' inside (never first or last):
`tohoku-u`, `yamagata-u.social-co-creation-office`. Units are named `<parent>.<unit>`, hence the dot,
which Django's slug syntax does not allow. The model field, the admin's form, the importer's cell
parser and the URL converter all use the pattern below.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

KEY_PATTERN = r"[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?"
KEY_RE = re.compile(KEY_PATTERN)

key_validator = RegexValidator(
    rf"\A{KEY_PATTERN}\Z",
    _("Use lower-case letters, digits, '.', '_' and '-' (not first or last)."),
    code="key",
)


class KeyField(models.CharField):
    """A natural key (see the module's docstring)."""

    default_validators = [key_validator]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 120)
        kwargs.setdefault("db_index", not kwargs.get("unique", False))
        super().__init__(*args, **kwargs)


class KeyConverter:
    """`<key:name>` in URL patterns."""

    regex = KEY_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
