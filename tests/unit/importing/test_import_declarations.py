"""A mistake in an importer's declaration is named where it is met, not left to fail as an AttributeError."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from renkei.importing.spec import field_column
from renkei.organisations.models import Organisation


def test_a_column_read_from_a_reverse_relation_is_refused_by_name() -> None:
    # Organisation.programs is the reverse side of Program.provider: no column of an organisation's row
    with pytest.raises(ImproperlyConfigured, match=r"Organisation\.programs is not a field of the model"):
        field_column(Organisation, "programs")
