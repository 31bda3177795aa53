"""Reports of the demo's Tohoku initiative: Excel read back with openpyxl, PDF rendered with pdftoppm,
read with pdftotext and checked with pdffonts (poppler-utils; skipped with a message without them)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from renkei.core.audit import Via, audit_context
from renkei.indicators.models import Initiative, Report
from renkei.indicators.services import report_folder, report_generate

pytestmark = pytest.mark.django_db

POPPLER = all(shutil.which(tool) for tool in ("pdftoppm", "pdftotext", "pdffonts"))
needs_poppler = pytest.mark.skipif(
    not POPPLER,
    reason="poppler-utils (pdftoppm, pdftotext, pdffonts) is not installed: `make browser` installs it",
)
JA = [
    "外国人留学生数は2,048人（平成25年度）から3,548人（令和元年度）に増加し、令和5年度目標の3,500人を上回った。",
    "英語授業科目数は586科目（平成25年度）から1,065科目（令和元年度）に増加し、令和5年度目標の910科目を上回った。",
    "協定派遣学生数は269人（平成25年度）から750人（令和元年度）に増加し、令和元年度目標の720人を上回った。",
    "国際共修ゼミのクラス数は11クラス（平成25年度）から70クラス（令和元年度）に増加した。",
    "緊急学生支援による経済支援を受けた学生数は3,582人（令和2年度）であった。",
]
EN = [
    "International students increased from 2,048 students (FY2013) to 3,548 students (FY2019), exceeding the "
    "FY2023 target of 3,500 students.",
    "Outbound exchange students under agreements increased from 269 students (FY2013) to 750 students (FY2019), "
    "exceeding the FY2019 target of 720 students.",
]


def _make(language: str) -> Report:
    initiative = Initiative.objects.get(key="tohoku-global-initiative")
    with audit_context(via=Via.COMMAND):
        return report_generate(report=Report(initiative=initiative, language=language, title="…"), actor=None)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_report_is_kept_with_its_date_and_data(demo_loaded) -> None:
    report = _make("ja")
    assert report.created_at is not None
    assert set(report.files) == {"html", "xlsx", "pdf"}
    assert report.data["owner"]["key"] == "tohoku-global-initiative"
    students = next(
        i
        for g in report.data["groups"]
        for i in g["indicators"]
        if i["key"] == "tohoku-international-students"
    )
    assert students["points"][0]["value"] == "3548"
    assert students["baseline"] == [2013, "2048"]
    html = (report_folder(report) / report.files["html"]).read_text("utf-8")
    for sentence in JA:
        assert sentence in html


def test_excel_has_a_sheet_per_group_with_values_and_charts(demo_loaded) -> None:
    report = _make("ja")
    book = load_workbook(report_folder(report) / report.files["xlsx"])
    assert book.sheetnames[0] == "概要"
    assert {"学生", "教育", "国際交流", "共同プログラム", "学生支援"} <= set(book.sheetnames)
    students = book["学生"]
    values = [[c.value for c in row] for row in students.iter_rows(min_row=1, max_row=8, max_col=4)]
    assert ["平成25年度（H25）", 2048, None, None] in values
    assert ["令和元年度（R1）", None, None, 3548] in values
    assert ["令和5年度（R5）", None, 3500, None] in values
    for name in book.sheetnames[1:]:
        assert book[name]._charts, f"no chart on {name}"
    summary = [c.value for c in book["概要"]["D"] if c.value]
    assert JA[0] in summary


@needs_poppler
@pytest.mark.parametrize(("language", "sentences"), [("ja", JA), ("en", EN)])
def test_pdf_reads_back_exactly_with_every_font_embedded(
    demo_loaded, tmp_path: Path, language, sentences
) -> None:
    report = _make(language)
    pdf = report_folder(report) / report.files["pdf"]
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for sentence in sentences:
        assert _flat(sentence) in _flat(text)
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts, "no font listed"
    for line in fonts:
        assert re.search(r"\byes\s+yes\s+yes\b", line), f"font not embedded (emb sub uni): {line}"
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    page = next(tmp_path.glob("page*.png"))
    assert page.stat().st_size > 10_000  # a rendered A4 page with text on it
    artifacts = Path(__file__).resolve().parents[3] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    shutil.copy(page, artifacts / f"indicators-report-{language}-page1.png")


def test_pdf_draws_each_series_as_a_chart(demo_loaded, tmp_path: Path) -> None:
    """The charts are vector shapes in the PDF: the series' blue line and the targets' orange diamonds
    show up on the rendered pages (and the first page is kept as an artifact)."""
    from PIL import Image

    report = _make("ja")
    pdf = report_folder(report) / report.files["pdf"]
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "p")], check=True)
    blue = orange = 0
    for page in sorted(tmp_path.glob("p*.png")):
        for r, g, b in Image.open(page).convert("RGB").get_flattened_data():
            blue += abs(r - 0x1F) < 30 and abs(g - 0x5F) < 30 and abs(b - 0xA8) < 30
            orange += abs(r - 0xC0) < 30 and abs(g - 0x56) < 30 and abs(b - 0x1A) < 30
    assert blue > 200, blue
    assert orange > 20, orange
    artifacts = Path(__file__).resolve().parents[3] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    shutil.copy(sorted(tmp_path.glob("p*.png"))[1], artifacts / "indicators-report-ja-page2-charts.png")


def test_the_english_report_writes_english_and_the_notes_and_evaluations_come_out(demo_loaded) -> None:
    """Units in ASCII brackets in English (（…） in Japanese), the evaluations with their fiscal year and era
    label, the source's notes beside their figures (約3割, うち留学生384人), the groups capitalised."""
    en, ja = _make("en"), _make("ja")
    html_en = (report_folder(en) / en.files["html"]).read_text("utf-8")
    assert "<h3>International students (students)</h3>" in html_en
    assert "（" not in html_en.replace("Co-learning (国際共修)", "")  # no Japanese bracket in English
    assert "International Advisory Board (first meeting) · FY2016 (H28)" in html_en
    assert "FY2019 (R1): about 30% of undergraduates" in html_en
    assert "<h2>Student support</h2>" in html_en
    # each indicator drawn as on its dashboard (SVG in the page, its era labels), the style in the page
    assert html_en.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 17
    assert "<title>International students</title>" in html_en
    assert ">H25</text>" in html_en
    assert "<style>" in html_en
    html_ja = (report_folder(ja) / ja.files["html"]).read_text("utf-8")
    assert "<h3>外国人留学生数（人）</h3>" in html_ja
    assert "国際アドバイザリーボード（第一回） · 平成28年度（H28）" in html_ja
    assert "令和2年度（R2）: うち留学生384人" in html_ja
    book = load_workbook(report_folder(en) / en.files["xlsx"])
    assert "Student support" in book.sheetnames
    cells = [[c.value for c in row] for row in book["Education"].iter_rows(max_col=5)]
    assert ["FY2019 (R1)", None, None, 3304, "about 30% of undergraduates"] in cells
    assert "Participants in the Tohoku Global Leader (TGL) program (students)" in [r[0] for r in cells]


@needs_poppler
def test_pdf_keeps_each_indicator_on_one_page(demo_loaded) -> None:
    """No page starts with a table cut from its heading: each indicator's heading, table, notes and chart
    are kept together."""
    report = _make("ja")
    pdf = report_folder(report) / report.files["pdf"]
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [p.strip() for p in text.split("\f") if p.strip()]
    assert len(pages) > 2
    for page in pages[1:]:
        first = page.splitlines()[0].split()
        assert first[:2] != ["年度", "基準値"], page[:200]
    assert "令和元年度（R1）: 学部学生の約3割" in text


def test_pdf_charts_name_what_they_draw_in_the_reports_language(demo_loaded) -> None:
    """A legend on each chart: the line's values (実績, Actual) and the diamonds' targets (目標, Target)."""
    from reportlab.graphics.shapes import String

    from renkei.indicators.reports import _register_font, pdf_chart, report_data

    initiative = Initiative.objects.get(key="tohoku-global-initiative")
    for lang, words in (("ja", {"実績", "目標"}), ("en", {"Actual", "Target"})):
        data = report_data(None, lang=lang, initiative=initiative)
        students = next(i for g in data["groups"] for i in g["indicators"] if i["key"].endswith("students"))
        chart = pdf_chart(students, font=_register_font(), width=400, height=110, lang=lang)
        texts = {c.text for c in chart.contents if isinstance(c, String)}
        assert words <= texts, texts
