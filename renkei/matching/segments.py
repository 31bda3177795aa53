"""Segments of employers (STP): industry (JSIC major groups), size (employees band) and area.

Plain constants and functions (no database): the survey form, the needs, the gap analysis and the
importer read them. Areas: in Yamagata Prefecture the prefecture's four regions (村山, 最上, 置賜,
庄内), which its own plans use; elsewhere the prefecture.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Industry(models.TextChoices):
    """日本標準産業分類 (JSIC, Rev. 14) major groups."""

    A = "A", _("A Agriculture and forestry")
    B = "B", _("B Fisheries")
    C = "C", _("C Mining and quarrying")
    D = "D", _("D Construction")
    E = "E", _("E Manufacturing")
    F = "F", _("F Electricity, gas, heat supply and water")
    G = "G", _("G Information and communications")
    H = "H", _("H Transport and postal activities")
    I = "I", _("I Wholesale and retail trade")  # noqa: E741 (the JSIC letter)
    J = "J", _("J Finance and insurance")
    K = "K", _("K Real estate and goods rental and leasing")
    L = "L", _("L Scientific research, professional and technical services")
    M = "M", _("M Accommodations, eating and drinking services")
    N = "N", _("N Living-related and personal services and amusement services")
    O = "O", _("O Education, learning support")  # noqa: E741 (the JSIC letter)
    P = "P", _("P Medical, health care and welfare")
    Q = "Q", _("Q Compound services")
    R = "R", _("R Services, n.e.c.")
    S = "S", _("S Government")
    T = "T", _("T Industries unable to classify")


class EmployeesBand(models.TextChoices):
    UP_TO_4 = "1-4", _("1–4 employees")
    UP_TO_19 = "5-19", _("5–19 employees")
    UP_TO_49 = "20-49", _("20–49 employees")
    UP_TO_99 = "50-99", _("50–99 employees")
    UP_TO_299 = "100-299", _("100–299 employees")
    FROM_300 = "300+", _("300 or more employees")


class Area(models.TextChoices):
    MURAYAMA = "06-murayama", _("Murayama region")
    MOGAMI = "06-mogami", _("Mogami region")
    OKITAMA = "06-okitama", _("Okitama region")
    SHONAI = "06-shonai", _("Shonai region")
    OTHER = "other", _("outside Yamagata")
    UNKNOWN = "", _("area not stated")


_YAMAGATA_REGIONS: dict[str, tuple[str, ...]] = {
    Area.MURAYAMA: ("06201", "06206", "06207", "06208", "06210", "06211", "06212", "06301", "06302",
                    "06321", "06322", "06323", "06324", "06341"),
    Area.MOGAMI: ("06205", "06361", "06362", "06363", "06364", "06365", "06366", "06367"),
    Area.OKITAMA: ("06202", "06209", "06213", "06381", "06382", "06401", "06402", "06403"),
    Area.SHONAI: ("06203", "06204", "06426", "06428", "06461"),
}  # fmt: skip
_REGION_OF = {code: area for area, codes in _YAMAGATA_REGIONS.items() for code in codes}


def area_of(municipality_code: str | None) -> str:
    """The area of a municipality (five digits, without the check digit)."""
    if not municipality_code:
        return Area.UNKNOWN
    return _REGION_OF.get(municipality_code[:5], Area.OTHER)


def segment_key(industry: str, band: str, area: str) -> str:
    return f"{industry or '-'}|{band or '-'}|{area or '-'}"


def segment_label(industry: str, band: str, area: str) -> str:
    labels = (
        dict(Industry.choices).get(industry, _("industry not stated")),
        dict(EmployeesBand.choices).get(band, _("size not stated")),
        dict(Area.choices).get(area, _("area not stated")),
    )
    return " × ".join(str(label) for label in labels)
