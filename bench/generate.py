"""Realistic Japanese catalogs for the benchmarks: deterministic per seed, 1k / 10k / 100k programs.

Providers are the Japanese member institutions of the demo registry plus generic providers marked as
samples (「サンプル大学」…); titles and descriptions are composed from the domain's vocabulary, with the
spellings people really type in a small share (シュミレーション, サーバ/サーバー, full-width ＤＸ) and
English titles in another. Every program is flagged is_sample=True.

    .venv/bin/python -m bench.generate --size 10000 --csv bench/results/programs-10000.csv
    .venv/bin/python -m bench.generate --size 10000 --db sqlite      # load into bench/results/data/…
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python -m bench.generate --size 1000 --db postgres

The CSV is in the `renkei import programs` format (Japanese headers, 12,000円, ○/×, 山形県).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.harness import code_fingerprint, say, setup_django, timed

GENERATOR_VERSION = 3
# the code that shapes the search index: when it changes, a kept catalog is re-indexed
INDEX_CODE = (
    "renkei/text/*.py",
    "renkei/catalog/search.py",
    "renkei/catalog/models.py",
    "renkei/catalog/migrations/*.py",
)
FIRST_RUN = dt.date(2026, 4, 1)  # runs start within 18 months of this date (fixed: reproducible)
REAL_KINDS = ("university", "junior_college", "technical_college", "other_hei")
# key, name_ja, name_en, kind, municipality code of the campus
SAMPLE_PROVIDERS = (
    ("bench-sample-u", "サンプル大学", "Sample University", "university", "06201"),
    ("bench-sample-tech", "サンプル工科大学", "Sample Institute of Technology", "university", "06202"),
    ("bench-sample-college", "サンプル短期大学", "Sample Junior College", "junior_college", "06203"),
    ("bench-sample-nursing", "サンプル看護大学", "Sample College of Nursing", "university", "06204"),
    (
        "bench-sample-kosen",
        "サンプル工業高等専門学校",
        "Sample College of Technology",
        "technical_college",
        "06205",
    ),
    ("bench-sample-extension", "サンプル市民カレッジ", "Sample Extension College", "other_hei", "06210"),
)

# (title ja, title en, field code, skill codes, sentences only this subject uses): the catalog's subjects.
TOPICS = (
    ("データサイエンス入門", "Introduction to Data Science", "field-informatics",
     ("skill-data-analysis", "skill-statistics", "skill-python"),
     ("統計の基礎からデータ分析の進め方までを一通り学びます。", "数理・データサイエンス・AI教育プログラムのリテラシーレベルに対応しています。")),
    ("データ分析実践", "Practical Data Analysis", "field-informatics", ("skill-data-analysis", "skill-excel"),
     ("データ分析の結果をグラフで可視化し、報告書にまとめます。", "自社の売上や在庫のデータを持ち寄って分析します。")),
    ("品質管理", "Quality Management", "field-manufacturing", ("skill-quality-management",),
     ("QC七つ道具と統計的品質管理の手法を演習で身につけます。", "生産管理の担当者と連携した品質保証の仕組みを考えます。")),
    ("生産管理", "Production Management", "field-manufacturing", ("skill-production-management",),
     ("{sim}を用いて生産計画や需要予測を検討します。", "工程管理、在庫管理、原価管理の基本を学びます。")),
    ("経営戦略", "Business Strategy", "field-management", ("skill-business-strategy",),
     ("中小企業の経営者や後継者を対象に、事業計画の立て方を学びます。", "競争環境の分析から経営戦略の立案までを演習形式で進めます。")),
    ("会計の基礎", "Accounting Basics", "field-accounting-finance", ("skill-accounting", "skill-bookkeeping"),
     ("財務諸表の読み方と管理会計の基本を学びます。", "経理担当者だけでなく経営に関わる方にも役立つ内容です。")),
    ("介護技術", "Care Techniques", "field-welfare-care", ("skill-care",),
     ("介護の現場で使える移乗・移動の技術を実習で学びます。", "介護職員初任者研修の内容を含みます。")),
    ("看護管理", "Nursing Management", "field-medicine-nursing", ("skill-nursing", "skill-leadership"),
     ("看護師長や主任看護師を対象に、病棟運営と人材育成を学びます。", "看護の質を高めるための組織づくりを考えます。")),
    ("観光まちづくり", "Tourism and Community Development", "field-tourism-regional", ("skill-marketing",),
     ("温泉地や城下町の観光資源を活かした地域づくりを学びます。", "観光DXの事例として予約データの活用を紹介します。")),
    ("農業DX", "Agricultural DX", "field-agriculture", ("skill-dx", "skill-farming", "skill-iot"),
     ("センサーとドローンを使ったスマート農業の実践例を紹介します。", "農産物の生産から販売までのデータ活用を学びます。")),
    ("Pythonプログラミング", "Python Programming", "field-informatics", ("skill-python", "skill-programming"),
     ("Pythonの文法から始め、業務の自動化に使える小さなプログラムを作ります。", "プログラミング未経験の方を対象とします。")),
    ("Excel業務効率化", "Excel for Office Work", "field-informatics", ("skill-excel", "skill-business-improvement"),
     ("Excelの関数とピボットテーブルで集計作業を効率化します。", "マクロによる定型業務の自動化にも触れます。")),
    ("シミュレーション技術", "Simulation Techniques", "field-manufacturing", ("skill-simulation",),
     ("構造解析と流体のシミュレーションを実習で体験します。", "シミュレーション結果の妥当性の確かめ方を学びます。")),
    ("サーバー構築", "Server Administration", "field-informatics", ("skill-server", "skill-cloud"),
     ("Linuxサーバーの構築と運用の基本を実機で学びます。", "クラウド上のサーバーを用いて演習環境を構築します。")),
    ("機械学習", "Machine Learning", "field-ai", ("skill-machine-learning", "skill-python"),
     ("Pythonと機械学習ライブラリを使って予測モデルを作ります。", "過学習や評価指標など、モデルの良し悪しの見方を学びます。")),
    ("生成AI活用", "Using Generative AI", "field-ai", ("skill-generative-ai",),
     ("文章作成や要約など業務での生成AIの使い方と注意点を学びます。", "DXの一歩として、生成AIで業務を見直します。")),
    ("情報セキュリティ", "Information Security", "field-informatics", ("skill-security",),
     ("標的型攻撃メールやランサムウェアへの備えを学びます。", "社内のサーバとネットワークの管理体制を点検します。")),
    ("DX推進", "Leading Digital Transformation", "field-management", ("skill-dx", "skill-project-management"),
     ("DX推進の第一歩として、業務の見える化から始めます。", "経営層と現場をつなぐDX人材の役割を考えます。")),
    ("食品衛生", "Food Hygiene", "field-food-nutrition", ("skill-food-hygiene",),
     ("HACCPに沿った衛生管理の考え方を学びます。", "食品の品質と安全を守る工程管理を扱います。")),
    ("防災・減災", "Disaster Risk Reduction", "field-disaster-resilience", ("skill-problem-solving",),
     ("地域のハザードマップを読み、避難のシミュレーションを行います。", "企業の事業継続計画（BCP）の作り方を学びます。")),
    ("マーケティング", "Marketing", "field-marketing-commerce", ("skill-marketing", "skill-digital-marketing"),
     ("顧客データの分析に基づく販売促進の考え方を学びます。", "SNSを使った情報発信の実践例を紹介します。")),
    ("人材育成", "Developing People", "field-management", ("skill-hr-development", "skill-leadership"),
     ("OJTの進め方と部下の育成面談を学びます。", "人事担当者や管理職の方を対象とします。")),
    ("簿記", "Bookkeeping", "field-accounting-finance", ("skill-bookkeeping",),
     ("日商簿記3級程度の内容を、会計ソフトの操作とあわせて学びます。", "仕訳から決算書の作成までを演習します。")),
    ("地域医療", "Community Health Care", "field-medicine-nursing", ("skill-nursing", "skill-communication"),
     ("医師、看護師、介護職が連携する地域包括ケアを学びます。", "訪問看護の現場から報告を受けます。")),
    ("統計学", "Statistics", "field-science-mathematics", ("skill-statistics",),
     ("記述統計から仮説検定、回帰分析までを学びます。", "統計ソフトを使った演習を行います。")),
    ("Web開発", "Web Development", "field-informatics", ("skill-web-development", "skill-programming"),
     ("HTMLとCSSから始め、簡単なWebアプリケーションを作ります。", "Webサーバーへの公開までを体験します。")),
    ("プロジェクトマネジメント", "Project Management", "field-management", ("skill-project-management",),
     ("計画、進捗、リスクの管理を事例で学びます。", "チームで一つのプロジェクト計画を作ります。")),
    ("財務分析", "Financial Analysis", "field-accounting-finance", ("skill-financial-analysis",),
     ("決算書から企業の収益性と安全性を読み解きます。", "金融機関の融資担当者の視点も紹介します。")),
    ("起業・新規事業", "Starting a Business", "field-management", ("skill-entrepreneurship",),
     ("ビジネスモデルの作り方と資金調達の基本を学びます。", "地域で起業した先輩の話を伺います。")),
    ("英語コミュニケーション", "English Communication", "field-languages", ("skill-english", "skill-communication"),
     ("会議やメールで使える英語表現を練習します。", "海外の取引先とのやり取りを想定したロールプレイを行います。")),
    ("保育実践", "Early Childhood Care", "field-education", ("skill-childcare",),
     ("保育所での遊びと安全管理を学びます。", "保育士の再就職を支援する内容です。")),
    ("栄養指導", "Nutrition Guidance", "field-food-nutrition", ("skill-nutrition-guidance",),
     ("生活習慣病予防のための栄養指導を学びます。", "地元の食材を使った献立づくりを演習します。")),
    ("溶接技術", "Welding", "field-manufacturing", ("skill-welding", "skill-safety-management"),
     ("アーク溶接の基本と安全作業を実習で学びます。", "技能検定の受験準備にも対応します。")),
    ("GIS入門", "Introduction to GIS", "field-informatics", ("skill-gis",),
     ("QGISを使って地図データを作成・分析します。", "自治体の施設配置を題材に演習します。")),
    ("SDGsと脱炭素経営", "SDGs and Decarbonisation", "field-environment-energy", ("skill-sustainability",),
     ("温室効果ガス排出量の算定方法を学びます。", "中小企業の経営に脱炭素をどう組み込むかを考えます。")),
    ("ロボット・IoT", "Robotics and IoT", "field-manufacturing", ("skill-robotics", "skill-iot"),
     ("センサーとマイコンを使ってデータを集める仕組みを作ります。", "工場の自動化の事例を見学します。")),
)  # fmt: skip
FORMS = (
    ("入門", "An Introduction to {}"), ("講座", "{}"), ("基礎講座", "{}: The Basics"),
    ("実践セミナー", "{}: A Practical Seminar"), ("ワークショップ", "{} Workshop"),
    ("履修証明プログラム", "Certificate Program in {}"), ("オンライン講座", "{} Online"),
    ("応用演習", "{}: Applied Exercises"),
)  # fmt: skip
PREFIXES = ("", "", "", "社会人のための", "はじめての", "現場で使える", "地域企業向け", "管理職のための")
TOOLS = ("Python", "Excel", "R", "SQL", "Tableau", "Power BI", "QGIS", "表計算ソフト", "生成AI", "統計ソフト")
INDUSTRIES = ("製造業", "農業", "観光業", "医療・福祉", "小売業", "自治体", "金融機関", "建設業", "食品産業")
# sentences any subject may use (3 to 6 of them) ...
SENTENCES = (
    "{topic}の基本的な考え方と手法を、{place}の事例を交えて学びます。",
    "{tool}を使った演習を通じて、実務で使える技能を身につけます。",
    "{industry}の現場で求められる{topic}の知識を体系的に整理します。",
    "講師は{provider}の教員と地域企業の実務家です。",
    "受講後は職場の課題を{topic}の視点から分析し、改善策を提案できることを目指します。",
    "最終回ではグループごとに成果を発表し、講師から講評を受けます。",
    "{tool}の操作経験は問いません。初めての方も安心して受講できます。",
    "各回の前半は講義、後半は演習です。",
    "修了者には{provider}から修了証を発行します。",
    "{place}周辺の企業や自治体の担当者をゲスト講師に迎え、現場の課題と取り組みを伺います。",
    "事前課題として、自社や自組織の業務で{topic}に関わる課題を一つ挙げていただきます。",
    "少人数のグループで討議し、互いの経験から学び合う形式で進めます。",
    "受講料には教材費が含まれます。駐車場には限りがありますので公共交通機関をご利用ください。",
    "オンラインでの受講にはパソコンとインターネット環境が必要です。",
    "定員に達し次第、受付を締め切ります。",
)
# ... and, in one program in five, one of these (they carry the mix's common words across subjects)
CROSS = (
    "品質と経営の両面から、{industry}の生産性向上について考えます。",
    "経営者や管理職の方、会計や人事の担当者にもおすすめです。",
    "看護や介護の現場での活用例も紹介します。",
    "農業や観光など地域産業のデータを扱います。",
    "シミュレーションを用いて効果を事前に見積もります。",
)
ENGLISH = (
    "Participants learn the ideas and methods of {topic} through cases from {place}.",
    "Hands-on exercises build skills for the workplace.",
    "Designed for working adults; no prior experience is needed.",
    "Taught by faculty of {provider} and practitioners from local companies.",
)
DATA_ENGLISH = "An introduction to data science for working adults, with exercises in {tool}."
MODES = ("onsite", "online", "hybrid", "on_demand")
LEVELS = (
    "introductory",
    "introductory",
    "intermediate",
    "advanced",
    "mdash_literacy",
    "mdash_applied_basic",
    "",
)
KINDS = ("course", "short_course", "seminar", "online_course", "micro_credential", "certificate")
AUDIENCES = ("working_adults", "students", "general_public", "professionals", "employers", "teachers")


@dataclass(frozen=True, slots=True)
class Provider:
    key: str
    name_ja: str
    name_en: str
    prefecture: str
    municipality_code: str
    latitude: Decimal | None
    longitude: Decimal | None
    sample: bool


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    name_ja: str
    latitude: Decimal
    longitude: Decimal


@dataclass(frozen=True)
class Registry:
    """What the generated rows refer to (read from the database, in a fixed order)."""

    providers: tuple[Provider, ...]
    places: tuple[Place, ...]
    concepts: frozenset[str]


# --- the registry the rows refer to ------------------------------------------------------------------


def ensure_registry() -> Registry:
    """Load the demo registry (organisations, taxonomy) and the generic sample providers if missing."""
    from django.db import transaction

    from renkei.core.audit import Via, audit_context, in_service
    from renkei.demo.loader import load_demo
    from renkei.organisations.models import Organisation
    from renkei.taxonomy.models import Concept

    if not Organisation.objects.filter(key="yamagata-u").exists():
        # the demo without its sample catalog: the benchmark catalogs have exactly their size
        load_demo(samples=False)
    places = {
        o.municipality_code: o for o in Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
    }
    with (
        audit_context(via=Via.COMMAND, label="bench sample providers"),
        in_service("bench.providers"),
        transaction.atomic(),
    ):
        for key, name_ja, name_en, kind, code in SAMPLE_PROVIDERS:
            if not Organisation.objects.filter(key=key).exists():
                town = places.get(code)
                Organisation.objects.create(
                    key=key, kind=kind, name_ja=name_ja, name_en=name_en, prefecture=code[:2],
                    municipality_code=code, latitude=getattr(town, "latitude", None),
                    longitude=getattr(town, "longitude", None),
                    note_ja="ベンチマーク用のサンプル機関です（実在しません）。",
                    note_en="A made-up provider for the benchmarks (not a real institution).",
                )  # fmt: skip
    providers = Organisation.objects.filter(kind__in=REAL_KINDS, country="JP").exclude(prefecture="")
    return Registry(
        providers=tuple(
            Provider(
                o.key,
                o.name_ja,
                o.name_en,
                o.prefecture,
                o.municipality_code,
                o.latitude,
                o.longitude,
                o.key.startswith("bench-sample-"),
            )
            for o in providers.order_by("key")
        ),
        places=tuple(
            Place(o.municipality_code, o.name_ja, o.latitude, o.longitude)
            for o in sorted(places.values(), key=lambda o: o.municipality_code)
            if o.latitude is not None
        ),
        concepts=frozenset(Concept.objects.values_list("code", flat=True)),
    )


# --- rows ----------------------------------------------------------------------------------------------


def _spell(text: str, rng: random.Random) -> str:
    """The spellings people type: シュミレーション (10 %), サーバ (50 %), ＤＸ (30 %), Ｅｘｃｅｌ (5 %)."""
    if "シミュレーション" in text and rng.random() < 0.10:
        text = text.replace("シミュレーション", "シュミレーション")
    if "サーバー" in text and rng.random() < 0.5:
        text = text.replace("サーバー", "サーバ")
    if "DX" in text and rng.random() < 0.3:
        text = text.replace("DX", "ＤＸ")
    if "Excel" in text and rng.random() < 0.05:
        text = text.replace("Excel", "Ｅｘｃｅｌ")
    return text


def _jitter(value: Decimal | None, rng: random.Random) -> Decimal | None:
    if value is None:
        return None
    return (value + Decimal(rng.randrange(-200, 201)) / Decimal(10000)).quantize(Decimal("0.000001"))


def rows(size: int, seed: int, registry: Registry) -> Iterator[dict[str, Any]]:
    """`size` programs as import-column values (provider key, concept codes, …) plus `_runs`."""
    rng = random.Random(seed)
    real = [p for p in registry.providers if not p.sample]
    samples = [p for p in registry.providers if p.sample]
    for number in range(1, size + 1):
        provider = rng.choice(real) if rng.random() < 0.7 or not samples else rng.choice(samples)
        topic_ja, topic_en, field_code, skill_codes, own = rng.choice(TOPICS)
        form_ja, form_en = rng.choice(FORMS)
        mode = rng.choices(MODES, weights=(45, 20, 15, 20))[0]
        place = rng.choice(registry.places)
        slots = {
            "topic": topic_ja, "tool": rng.choice(TOOLS), "industry": rng.choice(INDUSTRIES),
            "place": place.name_ja, "provider": provider.name_ja, "sim": "シミュレーション",
            "server": "サーバー", "dx": "DX",
        }  # fmt: skip
        sentences = [*own, *rng.sample(SENTENCES, k=rng.randint(3, 6))]
        if rng.random() < 0.2:
            sentences.append(rng.choice(CROSS))
        rng.shuffle(sentences)
        title_ja = f"{rng.choice(PREFIXES)}{topic_ja}{form_ja}"
        english = rng.random() < 0.15  # an English-taught program: English title in the Japanese column too
        title_en = form_en.format(topic_en) if english or rng.random() < 0.6 else ""
        summary_en = ""
        if english:
            title_ja = title_en
            chosen = rng.sample(ENGLISH, k=2) + (
                [DATA_ENGLISH] if field_code in ("field-informatics", "field-ai") else []
            )
            summary_en = " ".join(
                s.format(
                    topic=topic_en.lower(), tool=slots["tool"], place="Yamagata", provider=provider.name_en
                )
                for s in chosen
            )
        fee = rng.choices([0, rng.randrange(1, 11) * 1000, rng.randrange(11, 51) * 1000,
                           rng.randrange(6, 30) * 10000, None], weights=(30, 25, 25, 10, 10))[0]  # fmt: skip
        hours = Decimal(rng.choice((3, 6, 9, 15, 30, 60, 120)))
        onsite = mode in ("onsite", "hybrid")
        if onsite and provider.prefecture == "06" and rng.random() < 0.5:
            venue = place  # somewhere in Yamagata
        elif onsite and provider.municipality_code:
            venue = Place(provider.municipality_code, provider.name_ja, provider.latitude, provider.longitude)
        else:
            venue = None
        row: dict[str, Any] = {
            "provider": provider.key,
            "code": f"BENCH-{number:06d}",
            "title_ja": _spell(title_ja, rng),
            "title_en": title_en,
            "summary_ja": _spell(f"{topic_ja}を{rng.choice(INDUSTRIES)}の事例から学ぶ{form_ja}です。", rng),
            "summary_en": summary_en,
            "description_ja": _spell("".join(s.format(**slots) for s in sentences), rng),
            "kind": rng.choice(KINDS),
            "audiences": rng.sample(AUDIENCES, k=rng.choice((1, 1, 2))),
            "fields": [field_code] if field_code in registry.concepts else [],
            "skills": [code for code in skill_codes if code in registry.concepts],
            "level": rng.choice(LEVELS),
            "mode": mode,
            "language": "ja_en" if english else "ja",
            "venue_name_ja": f"{venue.name_ja} 会場" if venue else "",
            "prefecture": venue.code[:2] if venue else "",
            "municipality_code": venue.code if venue else "",
            "latitude": _jitter(venue.latitude, rng) if venue else None,
            "longitude": _jitter(venue.longitude, rng) if venue else None,
            "fee_yen": fee,
            "capacity": rng.choice((None, 20, 30, 40, 100)),
            "hours_total": hours,
            "subsidy_kyouiku_kunren": bool(fee and fee > 50_000 and hours >= 60 and rng.random() < 0.6),
            "status": "draft" if rng.random() < 0.04 else "published",
            "is_sample": True,
        }
        if row["latitude"] is None:
            row["longitude"] = None
        starts = [
            FIRST_RUN + dt.timedelta(days=rng.randrange(0, 540)) for _ in range(rng.choice((0, 1, 1, 2)))
        ]
        row["_runs"] = sorted(starts)
        yield row


# --- CSV (the `renkei import programs` format) -----------------------------------------------------------

CSV_COLUMNS = {  # import column name → Japanese header (the column's label in renkei/catalog/importers.py)
    "provider": "提供機関", "code": "コード", "title_ja": "名称", "title_en": "英語名称", "summary_ja": "概要",
    "summary_en": "英語概要", "description_ja": "説明", "kind": "種別", "audiences": "対象", "fields": "分野",
    "skills": "スキル", "level": "レベル", "mode": "形式", "language": "言語", "venue_name_ja": "会場",
    "prefecture": "都道府県", "municipality_code": "市区町村コード", "latitude": "緯度", "longitude": "経度",
    "fee_yen": "受講料", "capacity": "定員", "hours_total": "総時間", "subsidy_kyouiku_kunren": "教育訓練給付",
    "status": "公開状態", "is_sample": "サンプル",
}  # fmt: skip


def _cell(name: str, value: Any) -> str:
    from renkei.organisations.models import Prefecture

    if value is None or value == "":
        return ""
    if name == "fee_yen":
        return "無料" if value == 0 else f"{value:,}円"
    if name == "prefecture":
        return str(Prefecture(value).label)  # 山形県
    if isinstance(value, bool):
        return "○" if value else "×"
    if isinstance(value, list):
        return "; ".join(value)
    return str(value)


def write_csv(path: Path, programs: Iterable[dict[str, Any]]) -> int:
    """Write the rows as a UTF-8 (BOM) CSV for `renkei import programs`; returns the row count."""
    count = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS.values())
        for row in programs:
            writer.writerow([_cell(name, row[name]) for name in CSV_COLUMNS])
            count += 1
    return count


# --- straight into the database ------------------------------------------------------------------------


def load(programs: Iterable[dict[str, Any]], *, runs: bool = True, batch: int = 2000) -> int:
    """bulk_create the programs, their fields, skills and runs in one audited transaction (no index)."""
    from django.db import transaction

    from renkei.catalog.models import Program, ProgramRun
    from renkei.core.audit import Via, audit_context, in_service
    from renkei.importing.plans import batched
    from renkei.organisations.models import Organisation
    from renkei.taxonomy.models import Concept

    orgs = dict(Organisation.objects.values_list("key", "pk"))
    concepts = dict(Concept.objects.values_list("code", "pk"))
    fields, skills = Program.fields.through, Program.skills.through
    count = 0
    # the benchmark's bare bulk insert (the peer the import pipeline is measured against): a service
    # of its own, outside the product's write path on purpose
    with (
        audit_context(via=Via.COMMAND, label="bench generate"),
        in_service("bench.generate"),
        transaction.atomic(),
    ):
        for block in batched(programs, batch):
            objects = [
                Program(provider_id=orgs[r["provider"]], **{k: v for k, v in r.items() if k[0] != "_" and
                        k not in ("provider", "fields", "skills")})
                for r in block
            ]  # fmt: skip
            Program.objects.bulk_create(objects)
            fields.objects.bulk_create(
                [
                    fields(program_id=p.pk, concept_id=concepts[c])
                    for p, r in zip(objects, block, strict=True)
                    for c in r["fields"]
                ]
            )
            skills.objects.bulk_create(
                [
                    skills(program_id=p.pk, concept_id=concepts[c])
                    for p, r in zip(objects, block, strict=True)
                    for c in r["skills"]
                ]
            )
            # program=p (not program_id): ProgramRun.audit_organisation_id() reads run.program.provider_id,
            # one query per run otherwise
            ProgramRun.objects.bulk_create(
                [ProgramRun(program=p, starts_on=s, sessions=5, hours=Decimal(10))
                 for p, r in zip(objects, block, strict=True) for s in (r["_runs"] if runs else ())]
            )  # fmt: skip
            count += len(objects)
            say(f"  {count:,} programs written")
    return count


def manifest_path(data_dir: Path) -> Path:
    return data_dir / "catalog.json"


def loaded(data_dir: Path, size: int, seed: int) -> bool:
    """Is this data set already in the database (same generator, size and seed)?"""
    from renkei.catalog.models import Program

    path = manifest_path(data_dir)
    if not path.exists():
        return False
    wanted = {"version": GENERATOR_VERSION, "size": size, "seed": seed}
    stored = json.loads(path.read_text())
    return {k: stored.get(k) for k in wanted} == wanted and Program.objects.count() == size


def build(data_dir: Path, size: int, seed: int) -> dict[str, float]:
    """Generate and load the catalog into the configured database (reusing it if already there)."""
    timings: dict[str, float] = {}
    from django.db import DatabaseError, connection

    from renkei.catalog.models import Program
    from renkei.catalog.search import program_index_rebuild

    if loaded(data_dir, size, seed):
        say(f"reusing the {size:,}-program catalog in {data_dir.name}")
        manifest = json.loads(manifest_path(data_dir).read_text())
        timings = {f"{step} [earlier run]": seconds for step, seconds in manifest.get("timings", {}).items()}
        if manifest.get("index_code") != code_fingerprint(*INDEX_CODE):
            try:
                with timed(
                    f"program_index_rebuild {size:,} ({connection.vendor}, index code changed)", timings
                ):
                    program_index_rebuild()
            except DatabaseError as exc:
                raise SystemExit(f"{exc}: the search schema changed, run again with --fresh") from None
            manifest.update(index_code=code_fingerprint(*INDEX_CODE), timings=timings)
            manifest_path(data_dir).write_text(json.dumps(manifest))
        return timings

    if Program.objects.exists():
        raise SystemExit(f"{data_dir.name} holds another catalog: run with --fresh")
    with timed(f"registry ({connection.vendor})", timings):
        registry = ensure_registry()
    with timed(f"generate+bulk insert {size:,} ({connection.vendor})", timings):
        load(rows(size, seed, registry))
    with timed(f"program_index_rebuild {size:,} ({connection.vendor})", timings):
        program_index_rebuild()
    manifest_path(data_dir).write_text(
        json.dumps(
            {
                "version": GENERATOR_VERSION,
                "size": size,
                "seed": seed,
                "index_code": code_fingerprint(*INDEX_CODE),
                "timings": timings,
            }
        )
    )
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20260401)
    parser.add_argument("--csv", type=Path, help="write the import CSV here")
    parser.add_argument("--db", choices=("sqlite", "postgres"), help="load into this database")
    parser.add_argument("--fresh", action="store_true", help="drop the database of a previous run first")
    parser.add_argument("--name", help="data set name (default search-SIZE, the one bench.search reuses)")
    args = parser.parse_args()
    if not args.csv and not args.db:
        parser.error("give --csv FILE and/or --db sqlite|postgres")
    data_dir = setup_django(args.db or "sqlite", args.name or f"search-{args.size}", fresh=args.fresh)
    registry = ensure_registry()
    if args.csv:
        count = write_csv(args.csv, rows(args.size, args.seed, registry))
        say(f"wrote {count:,} rows to {args.csv}")
    if args.db:
        say(build(data_dir, args.size, args.seed))


if __name__ == "__main__":
    main()
