"""Reads of the shared records of the core app, filtered by the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from renkei.core import policy
from renkei.core.models import Source


def source_list(*, user: Any) -> QuerySet[Source]:
    """Every source document the user may see, by code (real ones first, the sample data last)."""
    return policy.visible(user, Source.objects.all()).order_by("is_sample", "code")
