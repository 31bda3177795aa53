"""SAMPLE programs, teaching content and a joint curriculum for the demo: made up, and marked so everywhere.

The providers are the real member institutions of the demo networks (Yamagata's HEIs and the eight
universities of 東北創成国立大学アライアンス); venues are Yamagata municipalities at the coordinates the
registry holds. Nothing here is a real offering: titles start with 【サンプル】 / [Sample], every row has
is_sample=True and the source "sample". Deterministic (seeded) and idempotent (natural keys): a second
run in the same fiscal year writes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from contextlib import nullcontext
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from renkei.catalog.models import (
    CurriculumUnit,
    JointCurriculum,
    Program,
    ProgramRun,
    Status,
    TeachingContent,
)
from renkei.catalog.services import programs_reindex
from renkei.core.audit import AuditContextMissing, Via, audit_context, current_context
from renkei.core.loading import Loader, LoadReport
from renkei.core.models import Source
from renkei.networks.models import Network
from renkei.organisations.models import Organisation
from renkei.taxonomy.models import Concept

SEED = 20240401
SOURCE_CODE = "sample"
STARTER_SCHEME = "renkei-starter"
PREFIX_JA, PREFIX_EN = "【サンプル】", "[Sample] "
YAMAGATA_HEIS = ["yamagata-u", "tuad", "koeki-u", "yamagata-hsu", "yonezawa-nutrition-u", "yamagata-ict"]
ALLIANCE = [
    "hirosaki-u",
    "iwate-u",
    "tohoku-u",
    "miyakyo-u",
    "akita-u",
    "yamagata-u",
    "fukushima-u",
    "niigata-u",
]
PROGRAMS_PER_PROVIDER = 24

# (Japanese topic, English topic, words it is about, specialist providers); its field and skills: TOPIC_CONCEPTS
TOPICS: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    (
        "データサイエンス",
        "data science",
        ("データサイエンス", "データ分析", "統計"),
        ("yamagata-u", "tohoku-u"),
    ),
    ("生成AI活用", "using generative AI", ("AI", "人工知能", "生成AI"), ("yamagata-u", "tohoku-u")),
    ("DX推進", "leading digital transformation (DX)", ("DX", "デジタル", "経営"), ("koeki-u", "yamagata-u")),
    ("Pythonプログラミング", "Python programming", ("プログラミング", "Python"), ("yamagata-ict", "iwate-u")),
    ("統計解析", "statistical analysis", ("統計", "データ分析"), ("yamagata-u", "hirosaki-u")),
    ("機械学習", "machine learning", ("機械学習", "AI"), ("tohoku-u", "niigata-u")),
    (
        "サーバー構築と運用",
        "setting up and running servers",
        ("サーバー", "ネットワーク", "情報"),
        ("yamagata-ict",),
    ),
    ("情報セキュリティ", "information security", ("セキュリティ", "情報"), ("yamagata-ict", "akita-u")),
    ("品質管理", "quality control", ("品質", "生産"), ("yamagata-ict", "yamagata-u")),
    (
        "生産管理とカイゼン",
        "production management and kaizen",
        ("生産", "品質", "ものづくり"),
        ("yamagata-ict",),
    ),
    ("経営戦略", "business strategy", ("経営", "戦略"), ("koeki-u", "fukushima-u")),
    ("会計と財務", "accounting and finance", ("会計", "財務", "経営"), ("fukushima-u", "koeki-u")),
    ("マーケティング", "marketing", ("マーケティング", "経営"), ("koeki-u",)),
    ("事業承継", "business succession", ("事業承継", "経営"), ("fukushima-u", "koeki-u")),
    ("起業と創業", "starting a business", ("起業", "創業", "経営"), ("yamagata-u", "tohoku-u")),
    ("スマート農業", "smart agriculture", ("農業", "IoT"), ("yamagata-u", "hirosaki-u", "iwate-u")),
    ("食品の衛生管理", "food hygiene management", ("食品", "衛生"), ("yonezawa-nutrition-u",)),
    ("栄養管理と食育", "nutrition management and food education", ("栄養", "食"), ("yonezawa-nutrition-u",)),
    ("看護実践", "nursing practice", ("看護", "医療"), ("yamagata-hsu", "hirosaki-u")),
    ("地域医療と介護", "community medicine and care", ("医療", "介護", "看護"), ("yamagata-hsu", "akita-u")),
    ("観光まちづくり", "tourism and community development", ("観光", "地域"), ("koeki-u", "tuad")),
    ("地域デザイン", "regional design", ("デザイン", "地域"), ("tuad",)),
    ("プロダクトデザイン", "product design", ("デザイン", "ものづくり"), ("tuad",)),
    ("日本語教育", "teaching Japanese", ("日本語", "教育"), ("miyakyo-u", "yamagata-u")),
    ("英語コミュニケーション", "English communication", ("英語", "コミュニケーション"), ("miyakyo-u",)),
    ("防災と減災", "disaster risk reduction", ("防災", "地域"), ("tohoku-u", "iwate-u")),
    ("環境とエネルギー", "environment and energy", ("環境", "エネルギー"), ("akita-u", "niigata-u")),
    (
        "シミュレーション技術",
        "simulation technology",
        ("シミュレーション", "工学"),
        ("tohoku-u", "yamagata-u"),
    ),
    ("IoTとセンサー", "IoT and sensors", ("IoT", "センサー", "情報"), ("yamagata-ict", "iwate-u")),
    ("ものづくり基盤技術", "core manufacturing technology", ("ものづくり", "工学"), ("yamagata-ict",)),
    ("リーダーシップ", "leadership", ("リーダーシップ", "マネジメント"), ("koeki-u", "tohoku-u")),
    (
        "人材育成と組織づくり",
        "developing people and organisations",
        ("人材育成", "マネジメント"),
        ("koeki-u",),
    ),
    ("公共政策", "public policy", ("政策", "行政"), ("koeki-u", "fukushima-u")),
    (
        "数理・データサイエンス・AI（リテラシーレベル）",
        "mathematics, data science and AI (literacy level)",
        ("データサイエンス", "リテラシー", "AI"),
        tuple(ALLIANCE),
    ),
    (
        "数理・データサイエンス・AI（応用基礎レベル）",
        "mathematics, data science and AI (applied basic level)",
        ("データサイエンス", "応用基礎", "AI"),
        tuple(ALLIANCE),
    ),
    (
        "教員のためのICT活用",
        "ICT in the classroom for teachers",
        ("ICT", "教育"),
        ("miyakyo-u", "yamagata-u"),
    ),
]
# What a topic teaches, by the exact labels of the starter taxonomy: the field, then the skills (a
# program gets its field and two or three of these skills, never a skill picked at random).
TOPIC_CONCEPTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "データサイエンス": ("情報・データサイエンス", ("データ分析", "統計", "Python", "データ可視化")),
    "生成AI活用": ("AI・人工知能", ("生成AI活用", "ITリテラシー", "業務改善")),
    "DX推進": ("経営・マネジメント", ("DX推進", "業務改善", "プロジェクトマネジメント")),
    "Pythonプログラミング": ("情報・データサイエンス", ("Python", "プログラミング", "データ分析")),
    "統計解析": ("情報・データサイエンス", ("統計", "データ分析", "Excel")),
    "機械学習": ("AI・人工知能", ("機械学習", "Python", "深層学習")),
    "サーバー構築と運用": ("情報・データサイエンス", ("サーバー構築", "ネットワーク技術", "クラウド")),
    "情報セキュリティ": (
        "情報・データサイエンス",
        ("情報セキュリティ", "ネットワーク技術", "法務・コンプライアンス"),
    ),
    "品質管理": ("ものづくり・製造", ("品質管理", "統計", "業務改善")),
    "生産管理とカイゼン": ("ものづくり・製造", ("生産管理", "業務改善", "安全管理")),
    "経営戦略": ("経営・マネジメント", ("経営戦略", "論理的思考", "課題解決")),
    "会計と財務": ("会計・財務", ("会計", "簿記", "財務分析")),
    "マーケティング": ("マーケティング・商学", ("マーケティング", "デジタルマーケティング", "営業・販売")),
    "事業承継": ("経営・マネジメント", ("経営戦略", "財務分析", "法務・コンプライアンス")),
    "起業と創業": ("経営・マネジメント", ("起業・新規事業", "経営戦略", "プレゼンテーション")),
    "スマート農業": ("農業", ("農業技術", "IoT", "データ分析")),
    "食品の衛生管理": ("食・栄養", ("食品衛生", "安全管理")),
    "栄養管理と食育": ("食・栄養", ("栄養指導", "食品衛生")),
    "看護実践": ("医療・看護", ("看護", "コミュニケーション")),
    "地域医療と介護": ("福祉・介護", ("介護技術", "看護", "地域づくり")),
    "観光まちづくり": ("観光・地域づくり", ("観光・インバウンド", "地域づくり", "マーケティング")),
    "地域デザイン": ("建築・デザイン", ("デザイン思考", "地域づくり", "ファシリテーション")),
    "プロダクトデザイン": ("建築・デザイン", ("デザイン思考", "3D CAD", "UI/UXデザイン")),
    "日本語教育": ("語学", ("日本語教育", "コミュニケーション")),
    "英語コミュニケーション": ("語学", ("英語", "プレゼンテーション", "コミュニケーション")),
    "防災と減災": ("防災・減災", ("GIS", "地域づくり", "安全管理")),
    "環境とエネルギー": ("環境・エネルギー", ("SDGs・脱炭素", "データ分析")),
    "シミュレーション技術": ("ものづくり・製造", ("シミュレーション", "プログラミング", "3D CAD")),
    "IoTとセンサー": ("情報・データサイエンス", ("IoT", "プログラミング", "ネットワーク技術")),
    "ものづくり基盤技術": ("ものづくり・製造", ("機械加工", "溶接", "品質管理")),
    "リーダーシップ": ("経営・マネジメント", ("リーダーシップ", "ファシリテーション", "コミュニケーション")),
    "人材育成と組織づくり": ("経営・マネジメント", ("人材育成", "リーダーシップ", "ファシリテーション")),
    "公共政策": ("法律・行政", ("論理的思考", "課題解決", "地域づくり")),
    "数理・データサイエンス・AI（リテラシーレベル）": (
        "情報・データサイエンス",
        ("ITリテラシー", "データ分析", "生成AI活用"),
    ),
    "数理・データサイエンス・AI（応用基礎レベル）": (
        "情報・データサイエンス",
        ("Python", "統計", "機械学習"),
    ),
    "教員のためのICT活用": ("教育・教職", ("ITリテラシー", "オフィスソフト活用", "プレゼンテーション")),
}
# Plausible total hours and fees (yen; None = not stated) for each kind of program: a seminar is an
# afternoon and cheap, a certificate program (履修証明, at least 60 hours by law) takes months and costs more.
KIND_HOURS_FEES: dict[str, tuple[tuple[Decimal, ...], tuple[int | None, ...]]] = {
    Program.Kind.SEMINAR: (
        (Decimal("1.5"), Decimal(2), Decimal(3)),
        (0, 0, 1000, 2000, 3000, 5000, None),
    ),
    Program.Kind.SHORT_COURSE: (
        (Decimal(3), Decimal(6), Decimal(9), Decimal(12)),
        (0, 3000, 5000, 8000, 10000, 15000, None),
    ),
    Program.Kind.COURSE: (
        (Decimal(6), Decimal(9), Decimal(12), Decimal(15), Decimal(24), Decimal(30)),
        (0, 5000, 10000, 15000, 20000, 30000, 45000, None),
    ),
    Program.Kind.MICRO_CREDENTIAL: (
        (Decimal(15), Decimal(30), Decimal(45), Decimal(60)),
        (10000, 20000, 30000, 50000, 60000),
    ),
    Program.Kind.CERTIFICATE: (
        (Decimal(60), Decimal(90), Decimal(120), Decimal(150)),
        (60000, 80000, 120000, 150000, 200000, 250000),
    ),
    Program.Kind.ONLINE_COURSE: (
        (Decimal(3), Decimal(6), Decimal(9), Decimal(12), Decimal(15)),
        (0, 0, 2000, 5000, 10000),
    ),
}
SESSION_HOURS = (Decimal("1.5"), Decimal(2), Decimal(3), Decimal(6))  # one session's length
MAX_SESSIONS = 25
RUN_NOTES = [
    ("", ""),
    ("", ""),
    ("土曜日開催", "On Saturdays"),
    ("平日夜間（18:30〜20:30）", "Weekday evenings (18:30–20:30)"),
    ("定員になり次第締め切り", "Closes when full"),
]
FORMS = [
    ("入門", "Introduction to {}"),
    ("基礎講座", "Fundamentals of {}"),
    ("実践講座", "{} in practice"),
    ("応用セミナー", "Applied seminar: {}"),
    ("ワークショップ", "Workshop: {}"),
    ("リスキリング講座", "Reskilling: {}"),
    ("履修証明プログラム", "Certificate program in {}"),
    ("オンライン講座", "Online course: {}"),
]
MODE_WORDS = {
    Program.Mode.ONSITE: ("対面", "on site"),
    Program.Mode.ONLINE: ("オンライン（ライブ）", "online (live)"),
    Program.Mode.HYBRID: ("ハイブリッド", "hybrid"),
    Program.Mode.ON_DEMAND: ("オンデマンド", "on demand"),
}
AUDIENCE_WORDS = {
    "working_adults": ("社会人", "working adults"),
    "students": ("学生", "students"),
    "general_public": ("一般の方", "the general public"),
    "professionals": ("専門職", "professionals"),
    "employers": ("企業の経営者・人事担当者", "employers and HR staff"),
    "teachers": ("教員", "teachers"),
}
# teaching material: (Japanese, English, the model-curriculum units it serves, by label)
CONTENT_TOPICS = [
    ("データサイエンス概論", "Introduction to data science", ("データ・AIの活用領域",)),
    ("データの読み方と可視化", "Reading and visualising data", ("データを読む", "データを説明する")),
    ("AIと社会", "AI and society", ("社会で起きている変化",)),
    ("確率と統計の基礎", "Basics of probability and statistics", ("統計および数理基礎",)),
    ("データ倫理と個人情報", "Data ethics and personal information", ("データ・AIを扱う上での留意事項",)),
    ("Pythonによるデータ処理", "Data processing in Python", ("データ構造とプログラミング基礎",)),
    ("機械学習の基礎", "Basics of machine learning", ("AI基礎",)),
    ("データ分析演習", "Data analysis exercises", ("データを扱う",)),
]


def _kind_label(kind: str, language: str) -> str:
    """The content kind's label in a given language, whatever language is active."""
    with translation.override(language):
        return str(TeachingContent.Kind(kind).label)


def fiscal_year_start(today: dt.date) -> dt.date:
    return dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)


def _by_labels(concepts: list[Concept], labels: tuple[str, ...]) -> list[Concept]:
    """The concepts with these Japanese labels, in the order given (unknown labels are skipped)."""
    by_label = {c.label_ja: c for c in concepts}
    return [by_label[label] for label in labels if label in by_label]


class _SampleLoader:
    def __init__(self, today: dt.date) -> None:
        # A program's save (and a run's) re-indexes the program; the loader writes about 900 rows,
        # so it asks the services not to and re-indexes the programs it touched once at the end
        # (`catalog_load_samples`), in the same transaction. Re-indexing row by row made a first
        # sample load take 8.9 s of CPU instead of 3.0–3.7 s (SQLite, 312 programs, 517 runs).
        deferred = {"reindex": False}
        self.loader = Loader(save_options={Program: deferred, ProgramRun: deferred})
        self.report = self.loader.report
        self.fy = fiscal_year_start(today)
        self.touched: set[int] = set()
        self._stored_runs: dict[int, list[ProgramRun]] | None = None
        starter = Concept.objects.filter(scheme__key=STARTER_SCHEME).order_by("sort_order", "code", "pk")
        self.fields = list(starter.filter(kind=Concept.Kind.FIELD))
        self.skills = list(starter.filter(kind__in=[Concept.Kind.SKILL, Concept.Kind.KNOWLEDGE]))
        self.units = list(starter.filter(kind=Concept.Kind.CURRICULUM_UNIT))
        keys = list(dict.fromkeys(YAMAGATA_HEIS + ALLIANCE))
        by_key = {o.key: o for o in Organisation.objects.filter(key__in=keys)}
        self.providers = [by_key[k] for k in keys if k in by_key]
        self.municipalities = list(
            Organisation.objects.filter(
                kind=Organisation.Kind.MUNICIPALITY, prefecture="06", latitude__isnull=False
            )
            .exclude(municipality_code="")
            .order_by("municipality_code")
        )
        self.networks = {
            n.key: n for n in Network.objects.filter(key__in=["yamagata-platform", "tohoku-sosei-alliance"])
        }

    def source(self) -> Source:
        return self.loader.upsert(
            Source,
            {"code": SOURCE_CODE},
            {
                "title_ja": "サンプルデータ（デモ用に作成。実在の講座・教材ではありません）",
                "title_en": "Sample data (made up for the demo; not real programs or materials)",
                "publisher": "Renkei",
                "is_sample": True,
                "used_for_ja": "サンプルの講座・教材・共同カリキュラム（開催日・受講料・時間数・会場を含む）。すべて架空です。",
                "used_for_en": "The sample programs, teaching materials and joint curricula (with dates, fees, hours "
                "and venues). All of it is made up.",
            },
        )

    def venue(self, provider: Organisation, rng: random.Random) -> dict[str, Any]:
        """Where an on-site course of `provider` is held: where the provider is. A Yamagata
        institution mostly uses its own city and sometimes another municipality of the prefecture
        (a satellite venue); any other university teaches on its own campus (its city's point)."""
        own = next(
            (m for m in self.municipalities if m.municipality_code == provider.municipality_code), None
        )
        if provider.prefecture == "06" and self.municipalities:
            town = own if own is not None and rng.random() < 0.7 else rng.choice(self.municipalities)
            return {
                "venue_name_ja": f"{town.name_ja} 会場（サンプル）",
                "venue_name_en": f"{town.name_en or town.name_ja} venue (sample)",
                "venue_address_ja": f"山形県{town.name_ja}",
                "prefecture": town.prefecture,
                "municipality_code": town.municipality_code,
                "latitude": _jitter(town.latitude, rng),
                "longitude": _jitter(town.longitude, rng),
            }
        return {
            "venue_name_ja": f"{provider.short_name_ja or provider.name_ja} キャンパス（サンプル）",
            "venue_name_en": f"{provider.name_en or provider.name_ja} campus (sample)",
            "venue_address_ja": provider.address_ja,
            "prefecture": provider.prefecture,
            "municipality_code": provider.municipality_code,
            "latitude": _jitter(provider.latitude, rng),
            "longitude": _jitter(provider.longitude, rng),
        }

    def program_values(
        self, provider: Organisation, index: int, rng: random.Random, source: Source
    ) -> dict[str, Any]:
        specialist = [t for t in TOPICS if provider.key in t[3]]
        topic = rng.choice(specialist) if specialist and rng.random() < 0.7 else rng.choice(TOPICS)
        topic_ja, topic_en, _, _ = topic
        form_ja, form_en = rng.choice(FORMS)
        mode = rng.choices(list(Program.Mode), weights=[40, 20, 20, 20])[0]
        if form_ja == "オンライン講座":
            mode = rng.choice([Program.Mode.ONLINE, Program.Mode.ON_DEMAND])
        audiences = rng.sample(list(AUDIENCE_WORDS), k=rng.choice([1, 1, 2]))
        if "教員" in topic_ja:
            audiences = ["teachers"]
        level = rng.choice(["introductory", "introductory", "intermediate", "advanced", ""])
        if "リテラシー" in topic_ja:
            level = Program.Level.MDASH_LITERACY
        elif "応用基礎" in topic_ja:
            level = Program.Level.MDASH_APPLIED_BASIC
        kind = {
            "履修証明プログラム": Program.Kind.CERTIFICATE,
            "オンライン講座": Program.Kind.ONLINE_COURSE,
            "応用セミナー": Program.Kind.SEMINAR,
            "ワークショップ": Program.Kind.SHORT_COURSE,
        }.get(
            form_ja,
            rng.choice([Program.Kind.COURSE, Program.Kind.SHORT_COURSE, Program.Kind.MICRO_CREDENTIAL]),
        )
        hour_choices, fee_choices = KIND_HOURS_FEES[kind]
        hours = rng.choice(hour_choices)
        fee = rng.choice(fee_choices)
        if level in (Program.Level.MDASH_LITERACY, Program.Level.MDASH_APPLIED_BASIC) and fee:
            fee = min(fee, 10_000)  # shared model-curriculum courses are free or cheap
        subsidy = bool(fee and fee > 50_000 and hours >= 60 and rng.random() < 0.6)
        mode_ja, mode_en = MODE_WORDS[mode]
        who_ja = "・".join(AUDIENCE_WORDS[a][0] for a in audiences)
        who_en = " and ".join(AUDIENCE_WORDS[a][1] for a in audiences)
        venue = self.venue(provider, rng) if mode in (Program.Mode.ONSITE, Program.Mode.HYBRID) else {}
        values: dict[str, Any] = {
            "title_ja": f"{PREFIX_JA}{topic_ja}{form_ja}",
            "title_en": f"{PREFIX_EN}{form_en.format(topic_en)}",
            "summary_ja": f"{who_ja}を対象に、{topic_ja}を{mode_ja}で学ぶサンプル講座です。実在の講座ではありません。",
            "summary_en": f"A sample course on {topic_en} for {who_en}, {mode_en}. Not a real offering.",
            "description_ja": (
                f"この講座はデモ用のサンプルデータです。{provider.name_ja}が提供する想定で、{topic_ja}の考え方と"
                f"事例を学びます。演習では地域の企業や自治体の課題を題材に、グループで解決策をまとめます。"
                f"受講後は職場で{topic_ja}を活用できることを目指します。"
            ),
            "description_en": (
                f"This course is sample data for the demo, imagined as offered by {provider.name_en or provider.name_ja}."
                f" Participants learn the ideas and cases of {topic_en} and work in groups on problems of local"
                " companies and municipalities."
            ),
            "kind": kind,
            "audiences": audiences,
            "level": level,
            "mode": mode,
            "language": Program.Language.JA_EN if rng.random() < 0.1 else Program.Language.JA,
            "venue_name_ja": venue.get("venue_name_ja", ""),
            "venue_name_en": venue.get("venue_name_en", ""),
            "venue_address_ja": venue.get("venue_address_ja", ""),
            "prefecture": venue.get("prefecture", ""),
            "municipality_code": venue.get("municipality_code", ""),
            "latitude": venue.get("latitude"),
            "longitude": venue.get("longitude"),
            "fee_yen": fee,
            "capacity": rng.choice([None, 20, 30, 40, 100]),
            "hours_total": hours,
            "subsidy_kyouiku_kunren": subsidy,
            "subsidy_note_ja": "教育訓練給付制度の対象講座（サンプル）" if subsidy else "",
            "subsidy_note_en": "Designated for the education and training benefit (sample)"
            if subsidy
            else "",
            "url": "",
            "contact_email": "",
            "contact_phone": "",
            "status": Status.DRAFT if rng.random() < 0.04 else Status.PUBLISHED,
            "is_sample": True,
            "source": source,
        }
        values["_topic"] = topic_ja
        values["_runs"] = self.runs(mode, hours, rng)
        return values

    def runs(self, mode: str, hours: Decimal, rng: random.Random) -> list[dict[str, Any]]:
        """Dated runs, each the whole program: its hours are the program's, in sessions of a
        plausible length held weekly."""
        if mode == Program.Mode.ON_DEMAND and rng.random() < 0.5:
            return []
        lengths = [h for h in SESSION_HOURS if hours % h == 0 and hours / h <= MAX_SESSIONS] or [hours]
        runs = []
        for _ in range(rng.choice([1, 1, 2, 3])):
            start = self.fy + dt.timedelta(days=rng.randrange(0, 540))
            sessions = int(hours / rng.choice(lengths))
            note_ja, note_en = rng.choice(RUN_NOTES)
            runs.append(
                {
                    "starts_on": start,
                    "ends_on": start + dt.timedelta(days=7 * (sessions - 1)),
                    "application_deadline": start - dt.timedelta(days=rng.choice([7, 14, 30])),
                    "sessions": sessions,
                    "hours": hours,
                    "note_ja": note_ja,
                    "note_en": note_en,
                }
            )
        return sorted(runs, key=lambda r: r["starts_on"])

    def programs(self, source: Source) -> list[Program]:
        programs = []
        for provider in self.providers:
            rng = random.Random(f"{SEED}:{provider.key}")
            network = self.networks.get(
                "tohoku-sosei-alliance" if provider.key in ALLIANCE else "yamagata-platform"
            )
            for index in range(1, PROGRAMS_PER_PROVIDER + 1):
                values = self.program_values(provider, index, rng, source)
                topic, runs = values.pop("_topic"), values.pop("_runs")
                field_label, skill_labels = TOPIC_CONCEPTS[topic]
                fields = _by_labels(self.fields, (field_label,))
                fitting = _by_labels(self.skills, skill_labels)
                skills = rng.sample(fitting, k=min(len(fitting), rng.choice([2, 3])))
                writes = self.report.writes
                program = self.loader.upsert(
                    Program,
                    {"provider": provider, "code": f"SAMPLE-{index:03d}"},
                    values,
                    relations={
                        "fields": fields,
                        "skills": skills,
                        "shared_with": [network] if network else [],
                    },
                )
                self.sync_runs(program, runs)
                if self.report.writes != writes:
                    self.touched.add(program.pk)
                programs.append(program)
        return programs

    def sync_runs(self, program: Program, runs: list[dict[str, Any]]) -> None:
        """The program's runs as the seed has them: missing ones created, others brought up to
        date, those the seed no longer has (another fiscal year) deleted (each unless a person
        wrote it)."""
        wanted = {run["starts_on"]: run for run in runs}
        for run in self.stored_runs().get(program.pk, []):
            if run.starts_on not in wanted:
                self.loader.delete(run)
        for starts_on, values in wanted.items():
            self.loader.upsert(
                ProgramRun,
                {"program": program, "starts_on": starts_on},
                {k: v for k, v in values.items() if k != "starts_on"},
            )

    def stored_runs(self) -> dict[int, list[ProgramRun]]:
        """The runs in the database before this load, per program (read once)."""
        if self._stored_runs is None:
            self._stored_runs = {}
            for run in self.loader.rows(ProgramRun, ("program", "starts_on")).values():
                self._stored_runs.setdefault(run.program_id, []).append(run)
        return self._stored_runs

    def contents(self, source: Source) -> list[TeachingContent]:
        contents = []
        for provider in [p for p in self.providers if p.key in ALLIANCE]:
            rng = random.Random(f"{SEED}:content:{provider.key}")
            for index, (topic_ja, topic_en, unit_labels) in enumerate(
                rng.sample(CONTENT_TOPICS, k=4), start=1
            ):
                kind = rng.choice(list(TeachingContent.Kind))
                values = {
                    "title_ja": f"{PREFIX_JA}{topic_ja}（{_kind_label(kind, 'ja')}）",
                    "title_en": f"{PREFIX_EN}{topic_en} ({_kind_label(kind, 'en')})",
                    "summary_ja": f"数理・データサイエンス・AI教育の共有教材のサンプルです（{provider.name_ja}作成の想定）。",
                    "summary_en": "A sample of teaching material shared for mathematics, data science and AI education.",
                    "kind": kind,
                    "licence": rng.choice(
                        [
                            TeachingContent.Licence.CC_BY,
                            TeachingContent.Licence.CC_BY_NC,
                            TeachingContent.Licence.CC_BY_NC_SA,
                            TeachingContent.Licence.MEMBERS_ONLY,
                        ]
                    ),
                    "url": "",
                    "status": Status.PUBLISHED,
                    "is_sample": True,
                    "source": source,
                }
                units = _by_labels(self.units, unit_labels)
                content = self.loader.upsert(
                    TeachingContent,
                    {"provider": provider, "code": f"SAMPLE-C{index:02d}"},
                    values,
                    relations={"mdash_units": units},
                )
                contents.append(content)
        return contents

    def curriculum(self, source: Source, programs: list[Program], contents: list[TeachingContent]) -> None:
        network = self.networks.get("tohoku-sosei-alliance")
        if network is None or not self.units:
            return
        curriculum = self.loader.upsert(
            JointCurriculum,
            {"network": network, "key": "mdash-sample"},
            {
                "title_ja": f"{PREFIX_JA}数理・データサイエンス・AI 共同カリキュラム",
                "title_en": f"{PREFIX_EN}Joint curriculum in mathematics, data science and AI",
                "description_ja": "加盟大学が共有する教材と講座をモデルカリキュラムの単元に対応づけたサンプルです。",
                "description_en": "A sample mapping the members' shared material and courses to model-curriculum units.",
                "is_sample": True,
                "source": source,
            },
        )
        mdash = [
            p
            for p in programs
            if p.level in (Program.Level.MDASH_LITERACY, Program.Level.MDASH_APPLIED_BASIC)
        ]
        rng = random.Random(f"{SEED}:curriculum")
        units_of = self.loader.links(TeachingContent, "mdash_units")
        by_unit: dict[int, list[TeachingContent]] = {}
        for content in contents:
            for concept_id in sorted(units_of[content.pk]):
                by_unit.setdefault(concept_id, []).append(content)
        for order, concept in enumerate(self.units, start=1):
            self.loader.upsert(
                CurriculumUnit,
                {"curriculum": curriculum, "concept": concept},
                {"order": order},
                relations={
                    "programs": rng.sample(mdash, k=min(2, len(mdash))),
                    "contents": by_unit.get(concept.pk, []),
                },
            )


def _jitter(value: Decimal | None, rng: random.Random) -> Decimal | None:
    """Spread markers of one municipality a little (±0.01°) so they do not sit on one point."""
    if value is None:
        return None
    return (value + Decimal(rng.randrange(-100, 101)) / Decimal(10000)).quantize(Decimal("0.000001"))


def catalog_load_samples(*, today: dt.date | None = None) -> LoadReport:
    """Create or refresh the SAMPLE catalog (a few hundred programs), all or nothing; idempotent
    within a fiscal year. Every row is written by its save service (`renkei.core.loading`); rows a
    person changed are kept. Runs in the caller's audit context, or in one of its own."""
    try:
        current_context()
        context: Any = nullcontext()
    except AuditContextMissing:
        context = audit_context(via=Via.COMMAND, label="catalog samples")
    loader = _SampleLoader(today or timezone.localdate())
    with context, transaction.atomic():
        source = loader.source()
        programs = loader.programs(source)
        contents = loader.contents(source)
        loader.curriculum(source, programs, contents)
        indexed = set(
            Program.objects.filter(search_index__isnull=False, source=source).values_list("pk", flat=True)
        )
        missing = {p.pk for p in programs} - indexed
        if loader.touched | missing:
            programs_reindex(program_ids=sorted(loader.touched | missing), today=today)
    return loader.report
