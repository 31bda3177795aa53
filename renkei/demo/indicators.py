"""Demo initiatives and indicators (`seed/indicators*.toml`): the Tohoku initiative with every figure
of source 001 as declared figures, the Yamagata project's indicators computed from the demo's records
(sample where those records are sample data), and one members indicator per network, computed."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from renkei.core.loading import Loader
from renkei.core.models import Source
from renkei.indicators.models import Actual, Evaluation, Indicator, Initiative, Target
from renkei.networks.models import Network
from renkei.organisations.models import Organisation

TEXT = ("name_ja", "name_en", "unit_ja", "unit_en", "definition_ja", "definition_en")


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def load_indicators(loader: Loader, seed_dir: Path, sources: dict[str, Source]) -> None:
    for path in sorted(seed_dir.glob("indicators*.toml")):
        with path.open("rb") as handle:
            seed = tomllib.load(handle)
        for row in seed.get("initiative", []):
            _initiative(loader, row, sources)
        for row in seed.get("network_members", []):
            for key in row["networks"]:
                _members_indicator(loader, Network.objects.get(key=key))


def _initiative(loader: Loader, row: dict[str, Any], sources: dict[str, Source]) -> None:
    source = sources.get(row.get("source", ""))
    initiative = loader.upsert(
        Initiative,
        {"key": row["key"]},
        {
            **{
                k: row.get(k, "")
                for k in ("name_ja", "name_en", "funder_ja", "funder_en", "aims_ja", "aims_en")
            },
            "organisation": Organisation.objects.get(key=row["organisation"])
            if row.get("organisation")
            else None,
            "network": Network.objects.get(key=row["network"]) if row.get("network") else None,
            "starts_fy": row.get("starts_fy"),
            "ends_fy": row.get("ends_fy"),
            "source": source,
        },
    )
    for evaluation in row.get("evaluation", []):
        loader.upsert(
            Evaluation,
            {"initiative": initiative, "evaluator_ja": evaluation["evaluator_ja"]},
            {
                "evaluator_en": evaluation.get("evaluator_en", ""),
                "fiscal_year": evaluation["fiscal_year"],
                "grade": evaluation.get("grade", ""),
                "comments_ja": evaluation.get("comments_ja", ""),
                "comments_en": evaluation.get("comments_en", ""),
                "source": sources.get(evaluation.get("source", "")),
            },
        )
    for order, indicator_row in enumerate(row.get("indicator", [])):
        _indicator(loader, initiative, indicator_row, order, source)


def _indicator(
    loader: Loader, initiative: Initiative, row: dict[str, Any], order: int, source: Source | None
) -> None:
    baseline = row.get("baseline")
    indicator = loader.upsert(
        Indicator,
        {"key": row["key"]},
        {
            **{k: row.get(k, "") for k in TEXT},
            "initiative": initiative,
            "category": row.get("category", Indicator.Category.OTHER),
            "direction": row.get("direction", Indicator.Direction.HIGHER),
            "baseline_value": _decimal(baseline[0]) if baseline else None,
            "baseline_fy": baseline[1] if baseline else None,
            "computation": row.get("computation", ""),
            "is_sample": row.get("is_sample", False),
            "sort_order": order,
            "source": None if row.get("computation") else source,
        },
    )
    for fy, value, *notes in row.get("targets", []):
        loader.upsert(
            Target,
            {"indicator": indicator, "fiscal_year": fy},
            {
                "value": _decimal(value),
                "note_ja": notes[0] if notes else "",
                "note_en": notes[1] if len(notes) > 1 else "",
                "source": source,
            },
        )
    for fy, value, detail, *notes in row.get("actuals", []):
        loader.upsert(
            Actual,
            {"indicator": indicator, "fiscal_year": fy},
            {
                "value": _decimal(value),
                "basis": Actual.Basis.DECLARED,
                "state": Actual.State.PUBLISHED,
                "source": source,
                "source_detail": detail,
                "note_ja": notes[0] if notes else "",
                "note_en": notes[1] if len(notes) > 1 else "",
            },
        )


def _members_indicator(loader: Loader, network: Network) -> None:
    loader.upsert(
        Indicator,
        {"key": f"{network.key}-members"},
        {
            "network": network,
            "name_ja": "加盟機関数",
            "name_en": "Member organisations",
            "unit_ja": "機関",
            "unit_en": "organisations",
            "definition_ja": "年度末に加盟している機関の数（登録されている加盟の記録から計算）。",
            "definition_en": "Organisations belonging to the network at the end of the fiscal year, "
            "counted from the membership records.",
            "category": Indicator.Category.NETWORK,
            "computation": "network_members",
        },
    )
