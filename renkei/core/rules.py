"""Rules about values, written once and used by every write path.

Each domain states its rules as pure `check_<entity>()` functions in its own `rules.py` (zulip's
check-then-do): they take plain values, read nothing but what they are given, and return the rules
that are broken (an empty list when all hold), each with its message in Japanese and English. The
model's `clean()` (and so the admin's forms), the importers, the API and the services call the same
functions, so a rule and its message exist once.

`Broken.field` names the model field a rule is about (None for the record as a whole); each caller
places it: `clean()` on the form field, the importer on the file's column, the API on the JSON member.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from renkei.core.messages import Msg


@dataclass(frozen=True, slots=True)
class Broken:
    """One broken rule: about which field, what is wrong (ja/en) and a stable code."""

    field: str | None
    message: Msg
    code: str


def validation_error(broken: Iterable[Broken], lang: str | None = None) -> ValidationError:
    """The broken rules as Django's ValidationError, per field, in the active (or given) language."""
    errors: dict[str, list[ValidationError]] = {}
    for item in broken:
        key = item.field or NON_FIELD_ERRORS
        errors.setdefault(key, []).append(ValidationError(item.message.text(lang), code=item.code))
    return ValidationError(errors)


def enforce(broken: list[Broken]) -> None:
    """Raise the broken rules as a ValidationError; do nothing when every rule holds."""
    if broken:
        raise validation_error(broken)


def check_together(
    first: str, first_value: object, second: str, second_value: object, message: Msg, *, code: str
) -> list[Broken]:
    """Two fields given together or not at all (the message is reported on the one that is missing)."""
    if (first_value is None) == (second_value is None):
        return []
    missing = first if first_value is None else second
    return [Broken(missing, message, code)]


def number_limits(field: models.Field) -> tuple[Any, Any]:
    """The smallest and largest value a numeric field accepts, from its validators (each number
    field states a sensible range, checked by a test, so that no path writes 2**63 into a column
    that PostgreSQL keeps in 32 bits)."""
    low = high = None
    for validator in field.validators:
        if not isinstance(validator, MinValueValidator | MaxValueValidator):
            continue
        limit = validator.limit_value() if callable(validator.limit_value) else validator.limit_value
        if isinstance(validator, MinValueValidator) and (low is None or limit > low):
            low = limit
        if isinstance(validator, MaxValueValidator) and (high is None or limit < high):
            high = limit
    return low, high
