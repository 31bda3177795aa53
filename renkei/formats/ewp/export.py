"""Every EWP document Renkei publishes, for the `ewp_export` command and the tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from lxml import etree

from renkei.formats.ewp import agreements, build, registry
from renkei.formats.ewp.validate import Validator, validator


def schemas_folder() -> Path:
    return Path(settings.SHARED_DATA_DIR) / "ewp-schemas"


def schema_validator() -> Validator:
    """The validator over the official XSDs; raises `SchemasMissing` naming the folder when absent."""
    return validator(schemas_folder())


def documents(*, all_agreements: bool = False) -> Iterator[tuple[str, etree._Element]]:
    """(relative file name, document) for all public EWP documents: one institutions response for all
    covered HEIs, then per HEI its units, its factsheet, its IIAs and its approvals. With
    `all_agreements`, the IIAs of every signed agreement, public or not (for checking them)."""
    covered = list(registry.all_heis())
    yield "institutions.xml", build.institutions_response(registry.institutions(h for h, _ in covered))
    for hei_id, _organisation in covered:
        yield f"{hei_id}/ounits.xml", build.ounits_response(registry.ounits(hei_id) or [])
        yield f"{hei_id}/factsheet.xml", build.factsheet_response(registry.factsheets([hei_id]))
        iias = agreements.iias(hei_id, None, reader=None if all_agreements else registry.PUBLIC)
        if iias:
            yield f"{hei_id}/iias.xml", build.iias_get_response(iias)
        approvals = agreements.approvals(hei_id, None)
        if approvals:
            yield f"{hei_id}/iias-approval.xml", build.iia_approval_response(approvals)
