"""The EWP schemas folder for the format tests: skip, naming the folder, when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest


def ewp_folder() -> Path:
    from django.conf import settings

    return Path(settings.SHARED_DATA_DIR) / "ewp-schemas"


def ewp_validator():  # type: ignore[no-untyped-def]  # returns renkei.formats.ewp.validate.Validator
    from renkei.formats.ewp.validate import SchemasMissing, validator

    try:
        return validator(ewp_folder())
    except SchemasMissing as missing:
        pytest.skip(f"skipped: the EWP schemas folder is absent ({ewp_folder()}): {missing}")


def ewp_example(name: str) -> bytes:
    path = ewp_folder() / "examples" / name
    if not path.is_file():
        pytest.skip(f"skipped: the EWP example {path} is absent (folder ../shared/data/ewp-schemas)")
    return path.read_bytes()
