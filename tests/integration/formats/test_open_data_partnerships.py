"""The partnership tables of the open-data bundle: published partnerships with their tiers, teams,
activities and mobility (declared and counted kept apart by `basis`), and only the signed versions of
the agreements their owner publishes."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

from renkei.formats import bundle
from renkei.partnerships.models import AgreementVersion, Partnership
from renkei.partnerships.rules import SIGNED_STATES

TABLES = (
    "partnerships",
    "partnership_tiers",
    "partnership_team_members",
    "partnership_activities",
    "partnership_mobility",
    "agreement_versions",
)


def _rows(name: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(bundle.bundle_path()) as archive:
        text = archive.read(f"{name}.csv").decode("utf-8")
    return list(csv.DictReader(io.StringIO(text.removeprefix(bundle.BOM))))


def test_the_bundle_has_the_public_partnership_tables(
    demo_loaded: Any, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    bundle.build()
    assert set(TABLES) <= set(bundle.TABLES)
    published = set(Partnership.objects.filter(status="published").values_list("key", flat=True))
    partnerships = {row["key"] for row in _rows("partnerships")}
    assert partnerships == published
    assert "utokyo-ntu-tw" in partnerships
    for name in TABLES[1:5]:
        assert {row["partnership"] for row in _rows(name)} <= published, name
    assert {row["basis"] for row in _rows("partnership_mobility")} >= {"declared"}
    versions = _rows("agreement_versions")
    public_signed = AgreementVersion.objects.filter(agreement__is_public=True, status__in=SIGNED_STATES)
    assert len(versions) == public_signed.count() > 0
    assert {row["status"] for row in versions} <= set(SIGNED_STATES)
    hidden = AgreementVersion.objects.exclude(pk__in=public_signed).select_related("agreement").first()
    assert hidden is not None
    assert (hidden.agreement.key, str(hidden.number)) not in {(r["agreement"], r["number"]) for r in versions}
    assert "editorial_note" not in _rows("partnerships")[0]
