"""Progress reports written from the records: the data snapshot, and the same report as HTML, Excel
(one sheet per indicator group, with native charts) and PDF (A4, Japanese set in IPAexGothic embedded
in the file; see docs/decisions/0009-reports-pdf.md).

`report_data` takes the snapshot (what the user may see, as it stands); the writers read only the
snapshot, so a kept report can be written again exactly as it was made."""

from __future__ import annotations

import importlib.util
import io
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import capfirst

from renkei.core import charts
from renkei.core.jdates import format_fiscal_year
from renkei.core.policy import Actor
from renkei.indicators import selectors
from renkei.indicators.models import Indicator, Initiative
from renkei.indicators.sentences import number, sentence_en, sentence_ja
from renkei.networks.models import Network
from renkei.organisations.models import Organisation

FORMATS = ("html", "xlsx", "pdf")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
PDF_FONT = "IPAexGothic"

LABELS = {
    "ja": {
        "report": "進捗報告書",
        "generated": "作成日",
        "summary": "概要",
        "indicator": "指標",
        "unit": "単位",
        "baseline": "基準値",
        "target": "目標",
        "actual": "実績",
        "fy": "年度",
        "status": "状況",
        "achievement": "達成度",
        "evaluations": "評価",
        "sample": "サンプルデータ",
        "source": "出典",
        "typed": "入力値",
        "computed": "計算値",
        "declared": "公表値",
        "counted": "集計値",
        "unpublished": "未公開",
        "note": "備考",
        "trend": "傾向",
    },
    "en": {
        "report": "Progress report",
        "generated": "Generated on",
        "summary": "Summary",
        "indicator": "Indicator",
        "unit": "Unit",
        "baseline": "Baseline",
        "target": "Target",
        "actual": "Actual",
        "fy": "Fiscal year",
        "status": "Status",
        "achievement": "Achievement",
        "evaluations": "Evaluations",
        "sample": "sample data",
        "source": "Source",
        "typed": "typed",
        "computed": "computed",
        "declared": "declared",
        "counted": "counted",
        "unpublished": "not yet published",
        "note": "Note",
        "trend": "Trend",
    },
}
STATUS = {
    "ja": {"achieved": "達成", "on_track": "順調", "behind": "遅れ", "no_target": "目標なし", "no_data": "実績なし"},
    "en": {"achieved": "achieved", "on_track": "on track", "behind": "behind", "no_target": "no target",
           "no_data": "no data"},
}  # fmt: skip
TREND = {
    "ja": {"improving": "改善", "worsening": "悪化", "steady": "横ばい"},
    "en": {"improving": "improving", "worsening": "worsening", "steady": "steady"},
}


def paren(text: str, lang: str) -> str:
    """（単位） in Japanese, " (unit)" in English."""
    return f"（{text}）" if lang == "ja" else f" ({text})"


def status_line(ind: dict[str, Any], lang: str) -> str:
    """達成 · 達成度 103% · 傾向: 改善 (what a report says of an indicator's progress)."""
    parts = [STATUS[lang][ind["status"]]]
    if ind["achievement"] is not None:
        parts.append(f"{LABELS[lang]['achievement']} {Decimal(ind['achievement']) * 100:.0f}%")
    if ind.get("trend") in TREND[lang]:
        parts.append(f"{LABELS[lang]['trend']}: {TREND[lang][ind['trend']]}")
    return " · ".join(parts)


def evaluation_line(e: dict[str, Any], lang: str) -> str:
    """Who evaluated, in which fiscal year (era label too), and the grade when one was given."""
    return " · ".join(x for x in (e["evaluator"], fy_label(e["fy"], lang), e["grade"]) if x)


def fy_label(fy: int, lang: str) -> str:
    """令和元年度 (R1) in Japanese, FY2019 (R1) in English: the era label as users write it."""
    short = format_fiscal_year(fy, style="short")
    return f"{format_fiscal_year(fy)}（{short}）" if lang == "ja" else f"FY{fy} ({short})"


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value.normalize() if value == value.to_integral_value() else value)


def owner_of(
    *, initiative: Initiative | None, organisation: Organisation | None, network: Network | None
) -> dict[str, Any]:
    if initiative is not None:
        return {
            "kind": "initiative",
            "key": initiative.key,
            "name_ja": initiative.name_ja,
            "name_en": initiative.name_en,
        }
    if organisation is not None:
        return {"kind": "organisation", "key": organisation.key, "name_ja": organisation.name_ja,
                "name_en": organisation.name_en}  # fmt: skip
    assert network is not None
    return {"kind": "network", "key": network.key, "name_ja": network.name_ja, "name_en": network.name_en}


def report_data(
    user: Actor | None,
    *,
    lang: str,
    initiative: Initiative | None = None,
    organisation: Organisation | None = None,
    network: Network | None = None,
) -> dict[str, Any]:
    """The snapshot a report is written from: every indicator the user may see, its series and sentence."""
    owner = owner_of(initiative=initiative, organisation=organisation, network=network)
    name = owner[f"name_{lang}"] or owner["name_ja"]
    with translation.override(lang):
        categories = {v: capfirst(str(label)) for v, label in Indicator.Category.choices}
    groups: dict[str, dict[str, Any]] = {}
    sample = False
    for s in selectors.dashboard(user, initiative=initiative, organisation=organisation, network=network):
        i = s.indicator
        facts = s.facts()
        a = s.assessment
        sample = sample or s.is_sample
        group = groups.setdefault(
            i.category, {"category": i.category, "label": categories[i.category], "indicators": []}
        )
        group["indicators"].append({
            "key": i.key,
            "name": (i.name_en if lang == "en" else i.name_ja) or i.name_ja,
            "unit": (i.unit_en if lang == "en" else i.unit_ja) or i.unit_ja,
            "computation": i.computation,
            "sample": s.is_sample,
            "baseline": [i.baseline_fy, _num(i.baseline_value)] if i.baseline_fy else None,
            "targets": [[t.fiscal_year, _num(t.value)] for t in s.targets],
            "points": [
                {"fy": p.fiscal_year, "value": _num(p.value), "origin": p.origin, "basis": p.basis,
                 "state": p.state, "sample": p.is_sample, "records": len(p.records),
                 "note": _note(p, lang)}
                for p in s.points
            ],
            "status": str(a.status),
            "trend": str(a.trend),
            "achievement": None if a.achievement is None else f"{a.achievement:.4f}",
            "sentence": sentence_en(facts) if lang == "en" else sentence_ja(facts) + "。",
        })  # fmt: skip
    evaluations = []
    if initiative is not None:
        for e in selectors.evaluations_of(initiative):
            evaluations.append({
                "evaluator": (e.evaluator_en if lang == "en" else e.evaluator_ja) or e.evaluator_ja,
                "fy": e.fiscal_year, "grade": e.grade,
                "comments": (e.comments_en if lang == "en" else e.comments_ja) or e.comments_ja,
            })  # fmt: skip
    order = [value for value, _ in Indicator.Category.choices]
    return {
        "version": 1,
        "language": lang,
        "owner": owner,
        "title": f"{name} {LABELS[lang]['report']}",
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "generated_on": timezone.localdate().isoformat(),
        "sample": sample,
        "groups": sorted(groups.values(), key=lambda g: order.index(g["category"])),
        "evaluations": evaluations,
    }


def _note(point: selectors.Point, lang: str) -> str:
    actual = point.actual
    if actual is None:
        return ""
    return (actual.note_en if lang == "en" else actual.note_ja) or actual.note_ja


def notes(ind: dict[str, Any], lang: str) -> list[str]:
    """The notes of an indicator's values, each with its fiscal year: 令和元年度（R1）: 学部学生の約3割."""
    return [f"{fy_label(p['fy'], lang)}: {p['note']}" for p in ind["points"] if p.get("note")]


def _years(ind: dict[str, Any]) -> list[int]:
    years = {p["fy"] for p in ind["points"]} | {t[0] for t in ind["targets"]}
    if ind["baseline"]:
        years.add(ind["baseline"][0])
    return sorted(years)


def table_rows(ind: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per fiscal year: baseline, target, actual (and where the actual comes from)."""
    by_fy = {p["fy"]: p for p in ind["points"]}
    targets = {t[0]: t[1] for t in ind["targets"]}
    rows = []
    for fy in _years(ind):
        p = by_fy.get(fy)
        rows.append({
            "fy": fy,
            "baseline": ind["baseline"][1] if ind["baseline"] and ind["baseline"][0] == fy else None,
            "target": targets.get(fy),
            "actual": p["value"] if p else None,
            "point": p,
        })  # fmt: skip
    return rows


# --- HTML -------------------------------------------------------------------------------------------


def html_chart(ind: dict[str, Any], lang: str) -> charts.Svg | None:
    """The indicator's series as the dashboards draw it (SVG in the page itself): the values (the
    baseline, then the actuals) over contiguous fiscal years with their era labels, dashed across years with
    none, the targets as diamonds; None without a year to draw."""
    rows = table_rows(ind)
    if not rows:
        return None
    by_fy = {r["fy"]: r for r in rows}
    span = range(rows[0]["fy"], rows[-1]["fy"] + 1)
    values: list[float | None] = []
    for fy in span:
        row = by_fy.get(fy)
        value = None if row is None else row["actual"] if row["actual"] is not None else row["baseline"]
        values.append(None if value is None else float(Decimal(value)))
    targets = [
        charts.Target(format_fiscal_year(fy, style="short"), float(Decimal(v)), LABELS[lang]["target"])
        for fy, v in ind["targets"]
    ]
    return charts.lines(
        [format_fiscal_year(fy, style="short") for fy in span],
        [charts.Series(LABELS[lang]["actual"], values)],
        title=ind["name"], unit=ind["unit"], targets=targets, width=560, height=220,
    )  # fmt: skip


def write_html(data: dict[str, Any]) -> str:
    lang = data["language"]
    with translation.override(lang):
        return render_to_string(
            "portal/indicators/report_document.html",
            {"data": data, "L": LABELS[lang], "S": STATUS[lang],
             "units": {ind["key"]: paren(ind["unit"], lang) if ind["unit"] else "" for g in data["groups"]
                       for ind in g["indicators"]},
             "status": {ind["key"]: status_line(ind, lang) for g in data["groups"] for ind in g["indicators"]},
             "notes": {ind["key"]: notes(ind, lang) for g in data["groups"] for ind in g["indicators"]},
             "charts": {ind["key"]: html_chart(ind, lang) for g in data["groups"] for ind in g["indicators"]},
             "evaluations": [(evaluation_line(e, lang), e["comments"]) for e in data["evaluations"]], "rows": {
                ind["key"]: table_rows(ind) for g in data["groups"] for ind in g["indicators"]},
             "fy_labels": {fy: fy_label(fy, lang) for g in data["groups"] for ind in g["indicators"]
                           for fy in _years(ind)}},
        )  # fmt: skip


# --- Excel ------------------------------------------------------------------------------------------


def _sheet_title(label: str, used: set[str]) -> str:
    title = "".join(c for c in label if c not in "[]:*?/\\")[:31] or "Sheet"
    base, n = title, 2
    while title in used:
        title = f"{base[:28]}_{n}"
        n += 1
    used.add(title)
    return title


def write_xlsx(data: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.styles import Alignment, Font

    lang = data["language"]
    L, S = LABELS[lang], STATUS[lang]
    book = Workbook()
    summary = book.active
    assert summary is not None
    used: set[str] = set()
    summary.title = _sheet_title(L["summary"], used)
    summary["A1"] = data["title"]
    summary["A1"].font = Font(bold=True, size=14)
    summary["A2"] = f"{L['generated']}: {data['generated_on']}"
    row = 4
    for header, col in (
        (L["indicator"], "A"),
        (L["status"], "B"),
        (L["achievement"], "C"),
        ("", "D"),
        (L["trend"], "E"),
    ):
        summary[f"{col}{row}"] = header
        summary[f"{col}{row}"].font = Font(bold=True)
    for g in data["groups"]:
        for ind in g["indicators"]:
            row += 1
            summary[f"A{row}"] = ind["name"] + (f" ({L['sample']})" if ind["sample"] else "")
            summary[f"B{row}"] = S[ind["status"]]
            if ind.get("trend") in TREND[lang]:
                summary[f"E{row}"] = TREND[lang][ind["trend"]]
            if ind["achievement"] is not None:
                summary[f"C{row}"] = float(ind["achievement"])
                summary[f"C{row}"].number_format = "0%"
            summary[f"D{row}"] = ind["sentence"]
            summary[f"D{row}"].alignment = Alignment(wrap_text=True)
    summary.column_dimensions["A"].width = 40
    summary.column_dimensions["D"].width = 90
    for g in data["groups"]:
        sheet = book.create_sheet(_sheet_title(g["label"], used))
        r = 1
        for ind in g["indicators"]:
            sheet.cell(r, 1, ind["name"] + (paren(ind["unit"], lang) if ind["unit"] else "")).font = Font(
                bold=True
            )
            sheet.cell(r + 1, 1, ind["sentence"])
            head = r + 2
            for c, h in enumerate((L["fy"], L["baseline"], L["target"], L["actual"], L["note"]), start=1):
                sheet.cell(head, c, h).font = Font(bold=True)
            rows = table_rows(ind)
            for k, tr in enumerate(rows, start=1):
                sheet.cell(head + k, 1, fy_label(tr["fy"], lang))
                for c, name in ((2, "baseline"), (3, "target"), (4, "actual")):
                    if tr[name] is not None:
                        sheet.cell(head + k, c, float(Decimal(tr[name]))).number_format = "#,##0.##"
                if tr["point"] and tr["point"].get("note"):
                    sheet.cell(head + k, 5, tr["point"]["note"])
            last = head + len(rows)
            if rows:
                chart = BarChart() if len(rows) <= 2 else LineChart()
                chart.title = ind["name"]
                chart.y_axis.title = ind["unit"]
                chart.add_data(
                    Reference(sheet, min_col=2, max_col=4, min_row=head, max_row=last), titles_from_data=True
                )
                chart.set_categories(Reference(sheet, min_col=1, min_row=head + 1, max_row=last))
                chart.height, chart.width = 6.5, 14
                sheet.add_chart(chart, f"F{r}")
            r = max(last + 2, r + 15)
        sheet.column_dimensions["A"].width = 26
        for col in "BCD":
            sheet.column_dimensions[col].width = 12
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- PDF --------------------------------------------------------------------------------------------


def font_path() -> Path:
    """IPAexGothic (IPA Font License), shipped in the japanize-matplotlib package (ADR 0009)."""
    spec = importlib.util.find_spec("japanize_matplotlib")  # found, not imported (it would load matplotlib)
    if spec is None or spec.origin is None:
        raise RuntimeError("japanize-matplotlib is not installed: it ships the PDF reports' Japanese font")
    return Path(spec.origin).parent / "fonts" / "ipaexg.ttf"


@cache
def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(PDF_FONT, str(font_path())))
    return PDF_FONT


def pdf_chart(ind: dict[str, Any], *, font: str, width: float, height: float, lang: str = "ja") -> Any:
    """The indicator's series drawn as reportlab shapes (vector, in the PDF itself): the values (baseline
    or actual) as a line over the fiscal years, the targets as diamonds, the first and last years and the
    highest value as labels; None when there is no value or a single year to draw."""
    from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, String
    from reportlab.lib import colors

    rows = table_rows(ind)
    values = [(r["fy"], Decimal(r["actual"] if r["actual"] is not None else r["baseline"]))
              for r in rows if r["actual"] is not None or r["baseline"] is not None]  # fmt: skip
    targets = [(r["fy"], Decimal(r["target"])) for r in rows if r["target"] is not None]
    if not values or len(rows) < 2:  # one year alone is a number, and the table says it
        return None
    years = [r["fy"] for r in rows]
    first, last = years[0], years[-1]
    top = max([v for _fy, v in values + targets] + [Decimal(0)]) or Decimal(1)
    low = min([v for _fy, v in values + targets] + [Decimal(0)])
    left, right, bottom, up = 34.0, width - 8, 14.0, height - 14
    span = max(last - first, 1)

    def x(fy: int) -> float:
        return left + (right - left) * (fy - first) / span

    def y(v: Decimal) -> float:
        return bottom + float((v - low) / ((top - low) or 1)) * (up - bottom)

    # the drawing's initial font is ours too, or reportlab starts it in Helvetica (a font not embedded)
    d = Drawing(width, height, initialFontName=font)
    d.add(Line(left, bottom, right, bottom, strokeColor=colors.grey, strokeWidth=0.5))
    d.add(Line(left, bottom, left, up, strokeColor=colors.grey, strokeWidth=0.5))
    d.add(String(left - 3, y(top) - 3, number(top), fontName=font, fontSize=7, textAnchor="end"))
    d.add(String(left - 3, bottom - 3, number(low), fontName=font, fontSize=7, textAnchor="end"))
    for fy in sorted({first, last}):
        d.add(String(x(fy), 3, format_fiscal_year(fy, style="short"), fontName=font, fontSize=7,
                     textAnchor="middle"))  # fmt: skip
    blue = colors.HexColor("#1f5fa8")
    if len(values) > 1:
        d.add(PolyLine([c for fy, v in values for c in (x(fy), y(v))], strokeColor=blue, strokeWidth=1.4))
    for fy, v in values:
        d.add(Circle(x(fy), y(v), 1.8, fillColor=blue, strokeColor=blue))
    orange = colors.HexColor("#c0561a")

    def diamond(cx: float, cy: float) -> None:
        d.add(Polygon([cx, cy + 3.2, cx + 3.2, cy, cx, cy - 3.2, cx - 3.2, cy], fillColor=orange,
                      strokeColor=orange))  # fmt: skip

    for fy, v in targets:
        diamond(x(fy), y(v))
    # the legend, top left of the plot: the line's values and (when there are any) the diamonds' targets
    legend_y = height - 7
    d.add(Circle(left + 6, legend_y + 2.5, 1.8, fillColor=blue, strokeColor=blue))
    d.add(String(left + 11, legend_y, LABELS[lang]["actual"], fontName=font, fontSize=7))
    if targets:
        shift = left + 18 + 7 * len(LABELS[lang]["actual"]) * (1.0 if lang == "ja" else 0.55)
        diamond(shift, legend_y + 2.5)
        d.add(String(shift + 6, legend_y, LABELS[lang]["target"], fontName=font, fontSize=7))
    return d


def write_pdf(data: dict[str, Any]) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _register_font()
    lang = data["language"]
    L = LABELS[lang]
    wrap = "CJK" if lang == "ja" else None
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=16, wordWrap=wrap)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11)
    h1 = ParagraphStyle("h1", parent=body, fontSize=16, leading=22, spaceAfter=6)
    h2 = ParagraphStyle("h2", parent=body, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4)
    h3 = ParagraphStyle("h3", parent=body, fontSize=11, leading=15, spaceBefore=6)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
        title=data["title"], author="Renkei", lang=lang, initialFontName=font, initialFontSize=10,
    )  # fmt: skip
    story: list[Any] = [
        Paragraph(escape(data["title"]), h1),
        Paragraph(f"{L['generated']}: {data['generated_on']}", small),
    ]
    if data["sample"]:
        story.append(
            Paragraph(
                escape("※ " + ("サンプルデータを含みます。" if lang == "ja" else "Contains sample data.")),
                small,
            )
        )
    story.append(Spacer(1, 6))
    story.append(Paragraph(escape(L["summary"]), h2))
    for g in data["groups"]:
        for ind in g["indicators"]:
            story.append(Paragraph(escape(ind["sentence"]), body))
    for g in data["groups"]:
        story.append(Paragraph(escape(g["label"]), h2))
        for ind in g["indicators"]:
            title = ind["name"] + (paren(ind["unit"], lang) if ind["unit"] else "")
            if ind["sample"]:
                title += f" [{L['sample']}]"
            block: list[Any] = [
                Paragraph(escape(title), h3),
                Paragraph(escape(status_line(ind, lang)), small),
            ]
            rows = [[L["fy"], L["baseline"], L["target"], L["actual"]]]
            for tr in table_rows(ind):
                rows.append(
                    [fy_label(tr["fy"], lang)]
                    + [
                        number(Decimal(tr[k])) if tr[k] is not None else ""
                        for k in ("baseline", "target", "actual")
                    ]
                )
            table = Table(rows, colWidths=[55 * mm, 30 * mm, 30 * mm, 30 * mm], hAlign="LEFT")
            table.setStyle(TableStyle([
                ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"), ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ]))  # fmt: skip
            chart = pdf_chart(ind, font=font, width=145 * mm, height=38 * mm, lang=lang)
            block += [table, Spacer(1, 3)] + [Paragraph(escape(n), small) for n in notes(ind, lang)]
            block += [chart, Spacer(1, 4)] if chart is not None else []
            story.append(KeepTogether(block))  # an indicator's heading, table and chart on one page
    if data["evaluations"]:
        story.append(Paragraph(escape(L["evaluations"]), h2))
        for e in data["evaluations"]:
            story += [Paragraph(escape(evaluation_line(e, lang)), h3), Paragraph(escape(e["comments"]), body)]
    doc.build(story)
    return out.getvalue()


def write(data: dict[str, Any], fmt: str) -> bytes:
    if fmt == "html":
        return write_html(data).encode("utf-8")
    if fmt == "xlsx":
        return write_xlsx(data)
    if fmt == "pdf":
        return write_pdf(data)
    raise ValueError(fmt)
