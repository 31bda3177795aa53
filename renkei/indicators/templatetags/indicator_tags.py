"""Template filters of the indicator pages and reports."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from renkei.indicators.sentences import number

register = template.Library()


@register.filter
def num(value: Any) -> str:
    """2048.00 → 2,048; 2.90 → 2.9; empty for nothing."""
    if value is None or value == "":
        return ""
    try:
        return number(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


@register.filter
def dictget(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
