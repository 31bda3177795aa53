"""The partnership imports' templates: each import (partners, teams, agreement versions, mobility
figures, activities) offers its export as a template to download, and that file imports back as it is."""

from __future__ import annotations

import pytest
from django.urls import reverse

from renkei.importing.planning import plan_import
from renkei.importing.spec import get_importer

IMPORTS = {
    "partnerships": 16,
    "partnership_teams": 105,
    "agreement_versions": 10,
    "mobility_figures": 36,
    "partnership_activities": 30,
}


@pytest.mark.parametrize(("name", "rows"), IMPORTS.items())
def test_the_template_downloads_and_imports_back_unchanged(
    client, demo_loaded, superuser, name, rows
) -> None:
    # given: the import page offers the import with its template
    client.force_login(superuser)
    assert (
        reverse("portal:export", args=[name, "csv"])
        in client.get(reverse("portal:import-start")).content.decode()
    )
    # when: the template is downloaded with the demo's rows
    response = client.get(reverse("portal:export", args=[name, "csv"]), {"codes": "1"})
    body = b"".join(response.streaming_content)
    # then: UTF-8 with BOM, a row per record, and it plans no change when imported back
    assert response.status_code == 200
    assert body.startswith(b"\xef\xbb\xbf")
    plan = plan_import(get_importer(name), body, filename=f"{name}.csv", user=superuser)
    assert plan.counts == {"create": 0, "update": 0, "unchanged": rows}


def test_a_declared_figure_without_a_year_is_updated_not_doubled(demo_loaded, superuser) -> None:
    from renkei.importing.applying import apply_plan
    from renkei.partnerships.models import MobilityFigure

    # given: PKU's declared 'nearly 100 a year' (no fiscal year), stated again with another count
    csv = "partnership,fiscal_year,direction,category,basis,count\r\nutokyo-pku,,both,mixed,declared,90\r\n"
    # when
    plan = plan_import(get_importer("mobility_figures"), csv.encode(), filename="m.csv", user=superuser)
    apply_plan(plan, actor=superuser)
    # then: the one declared figure changed; none was added
    assert plan.counts == {"create": 0, "update": 1, "unchanged": 0}
    declared = MobilityFigure.objects.filter(partnership__key="utokyo-pku", basis="declared")
    assert [(f.fiscal_year, f.count) for f in declared] == [(None, 90)]
