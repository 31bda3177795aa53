"""Template filters used on every page: dates and fiscal years the Japanese way, language links."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.urls import translate_url
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from renkei.core import jdates

register = template.Library()


def _japanese() -> bool:
    return (get_language() or "ja").startswith("ja")


@register.filter
def jdate(value: dt.date | dt.datetime | None) -> str:
    """令和3年3月12日 (2021年) in Japanese, 12 March 2021 in English."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if _japanese():
        try:
            return f"{jdates.format_date_ja(value)}（{value.year}年）"
        except jdates.JapaneseDateError:
            return jdates.format_date_ja(value, era=False)
    return formats.date_format(value, "j F Y")


@register.filter
def jmonth(value: dt.date | None) -> str:
    """A month: 令和4年10月（2022年） in Japanese, October 2022 in English."""
    if not value:
        return ""
    if _japanese():
        era, year = jdates.era_for_date(value)
        year_text = "元" if year == 1 else str(year)
        return f"{era.name_ja}{year_text}年{value.month}月（{value.year}年）"
    return formats.date_format(value, "F Y")


@register.filter
def founded(network: Any) -> str:
    """The founding date at the precision the source gives."""
    if network.founded_precision == "month":
        return jmonth(network.founded_on)
    return jdate(network.founded_on)


@register.filter
def fy(value: int | str | dt.date | None) -> str:
    """A fiscal year: 令和5年度（2023年度） in Japanese, FY2023 (R5) in English."""
    if value is None or value == "":  # "" is what a template gives for a missing value
        return ""
    year = jdates.fiscal_year(value) if isinstance(value, dt.date) else int(value)
    if _japanese():
        return f"{jdates.format_fiscal_year(year)}（{year}年度）"
    return f"FY{year} ({jdates.format_fiscal_year(year, style='short')})"


COUNTRY_NAMES = {
    "JP": _("Japan"),
    "US": _("United States"),
    "GB": _("United Kingdom"),
    "DE": _("Germany"),
    "FR": _("France"),
    "SE": _("Sweden"),
    "CH": _("Switzerland"),
    "CN": _("China"),
    "KR": _("South Korea"),
    "TW": _("Taiwan"),
    "AU": _("Australia"),
    "VN": _("Viet Nam"),
    "MM": _("Myanmar"),
    "CL": _("Chile"),
    "MX": _("Mexico"),
    "TH": _("Thailand"),
    "ID": _("Indonesia"),
    "IN": _("India"),
    "CA": _("Canada"),
}


@register.filter
def country_name(code: str) -> str:
    """A country's name for the ISO 3166 codes our partners use; other codes are shown as they are."""
    return str(COUNTRY_NAMES.get((code or "").upper(), code or ""))


@register.simple_tag(takes_context=True)
def switch_language_url(context: dict, language: str) -> str:
    request = context.get("request")
    if request is None:
        return "/" if language == "ja" else f"/{language}/"
    url = translate_url(request.get_full_path(), language)
    return url
