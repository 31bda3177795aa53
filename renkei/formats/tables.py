"""The public tables of the open-data bundle, one `register(Table(...))` per table.

A new domain adds its public tables here with a few lines (a name, the model, a sentence in both
languages and its columns); the bundle reads them through the policy as an anonymous visitor. Staff
notes (`note_*`, `location_note`) are never exported.
"""

from __future__ import annotations

from typing import Any

from renkei.catalog.models import CurriculumUnit, JointCurriculum, Program, ProgramRun, TeachingContent
from renkei.core.messages import Msg
from renkei.formats.bundle import Column, Table, register
from renkei.formats.jsonld import is_sample_organisation
from renkei.indicators.models import Actual, Evaluation, Indicator, Initiative, Target
from renkei.networks.models import (
    Body,
    DeclaredCount,
    Document,
    Meeting,
    Membership,
    Network,
    Post,
    Tenure,
)
from renkei.organisations.models import Identifier, Organisation
from renkei.partnerships.models import (
    Activity,
    AgreementVersion,
    MobilityFigure,
    Partnership,
    PartnershipTier,
    TeamMember,
)

M = Msg


def _codes(relation: str) -> Any:
    return lambda row: [c.code for c in getattr(row, relation).all()]


def _sources(row: Any) -> list[str]:
    return [s.code for s in row.sources.all()]


def _source(row: Any) -> str:
    return row.source.code if row.source_id else ""


KEY = Column("key", M("キー（URL に使う安定した識別子）", "Key (stable identifier used in URLs)"))
NAME_JA = Column("name_ja", M("名称（日本語）", "Name in Japanese"))
NAME_EN = Column("name_en", M("名称（英語）", "Name in English"))
SOURCE = Column("source", M("出典資料のコード", "Code of the source document"), _source)
SOURCES = Column(
    "sources", M("出典資料のコード（;区切り）", "Codes of the source documents (';'-separated)"), _sources
)
IS_SAMPLE = Column(
    "is_sample", M("デモ用のサンプルデータか", "Whether the row is sample data made up for the demo")
)


_ORGANISATION_COLUMNS = (
    KEY,
    Column("kind", M("種別のコード", "Kind (code)")),
    NAME_JA,
    NAME_EN,
    Column("name_kana", M("名称のよみ", "Reading of the name (kana)")),
    Column("short_name_ja", M("略称（日本語）", "Short name in Japanese")),
    Column("short_name_en", M("略称（英語）", "Short name in English")),
    Column("code", M("公的なコード（学校コード等）", "Official code (e.g. school code)")),
    Column("country", M("国（ISO 3166-1）", "Country (ISO 3166-1 alpha-2)")),
    Column("prefecture", M("都道府県コード（JIS X 0401）", "Prefecture code (JIS X 0401)")),
    Column("municipality_code", M("市区町村コード", "Municipality code")),
    Column("address_ja", M("所在地", "Address")),
    Column("latitude", M("緯度", "Latitude")),
    Column("longitude", M("経度", "Longitude")),
    Column("website", M("ウェブサイト", "Website")),
    SOURCES,
    Column(
        "is_sample",
        M(
            "デモ用のサンプルデータか（出典資料がすべてサンプルの組織）",
            "Whether it is sample data made up for the demo (every source document is a sample)",
        ),
        is_sample_organisation,
    ),
)

register(
    Table(
        "organisations",
        Organisation,
        M(
            "組織（大学、自治体、企業、団体など）。部局は units.csv。",
            "Organisations (universities, local "
            "governments, companies, associations...). Their units are in units.csv.",
        ),
        _ORGANISATION_COLUMNS,
        rows=lambda: Organisation.objects.filter(parent__isnull=True).prefetch_related("sources"),
        order=("key",),
    )
)
register(
    Table(
        "units",
        Organisation,
        M(
            "組織の部局（学部、研究科、研究所、センターなど）",
            "Units of organisations (faculties, graduate schools, institutes, centres...)",
        ),
        (
            Column("parent", M("上位組織のキー", "Key of the parent organisation"), "parent.key"),
            *_ORGANISATION_COLUMNS,
        ),
        rows=lambda: (
            Organisation.objects.filter(parent__isnull=False)
            .select_related("parent")
            .prefetch_related("sources")
        ),
        order=("key",),
    )
)
register(
    Table(
        "identifiers",
        Identifier,
        M(
            "組織の外部識別子（ROR、学校コードなど）",
            "External identifiers of organisations (ROR, school codes...)",
        ),
        (
            Column("organisation", M("組織のキー", "Organisation key"), "organisation.key"),
            Column("scheme", M("識別子の体系", "Identifier scheme")),
            Column("value", M("値", "Value")),
        ),
        rows=lambda: Identifier.objects.select_related("organisation"),
        order=("organisation__key", "scheme", "value"),
    )
)
register(
    Table(
        "networks",
        Network,
        M(
            "連携ネットワーク（プラットフォーム、コンソーシアムなど）",
            "Collaboration networks (platforms, consortia...)",
        ),
        (
            KEY,
            Column("kind", M("種別のコード", "Kind (code)")),
            NAME_JA,
            NAME_EN,
            Column("short_name_ja", M("略称（日本語）", "Short name in Japanese")),
            Column("short_name_en", M("略称（英語）", "Short name in English")),
            Column("description_ja", M("説明（日本語）", "Description in Japanese")),
            Column("description_en", M("説明（英語）", "Description in English")),
            Column("founded_on", M("設立日", "Founding date")),
            Column(
                "founded_precision", M("設立日の精度（day/month/year）", "Precision of the founding date")
            ),
            Column("website", M("ウェブサイト", "Website")),
            SOURCES,
        ),
        rows=lambda: Network.objects.prefetch_related("sources"),
        order=("key",),
    )
)
register(
    Table(
        "memberships",
        Membership,
        M("ネットワークへの組織の参加（期間付き）", "Memberships of organisations in networks, dated"),
        (
            Column("network", M("ネットワークのキー", "Network key"), "network.key"),
            Column("organisation", M("組織のキー", "Organisation key"), "organisation.key"),
            Column("role", M("役割のコード", "Role (code)")),
            Column("category_ja", M("区分（日本語）", "Category in Japanese")),
            Column("category_en", M("区分（英語）", "Category in English")),
            Column(
                "on_behalf_of",
                M("代理する組織のキー", "Key of the organisation represented"),
                "on_behalf_of.key",
            ),
            Column("start_date", M("開始日", "Start date")),
            Column("end_date", M("終了日", "End date")),
            SOURCE,
        ),
        rows=lambda: Membership.objects.select_related("network", "organisation", "on_behalf_of", "source"),
        order=("network__key", "organisation__key", "role", "pk"),
    )
)
register(
    Table(
        "declared_counts",
        DeclaredCount,
        M("ネットワークが公表する数（会員数など）", "Counts a network declares (members, universities...)"),
        (
            Column("network", M("ネットワークのキー", "Network key"), "network.key"),
            Column("subject", M("数える対象", "What is counted")),
            Column("label_ja", M("表示名（日本語）", "Label in Japanese")),
            Column("label_en", M("表示名（英語）", "Label in English")),
            Column("value", M("数", "Count")),
            Column("as_of", M("時点", "As of")),
            SOURCE,
        ),
        rows=lambda: DeclaredCount.objects.select_related("network", "source"),
        order=("network__key", "sort_order", "pk"),
    )
)
register(
    Table(
        "documents",
        Document,
        M("ネットワークの規約・規程", "Governing documents of networks (bylaws, rules)"),
        (
            Column("id", M("記録番号", "Record id"), "pk"),
            Column("network", M("ネットワークのキー", "Network key"), "network.key"),
            Column("kind", M("種別のコード", "Kind (code)")),
            Column("title_ja", M("表題（日本語）", "Title in Japanese")),
            Column("title_en", M("表題（英語）", "Title in English")),
        ),
        rows=lambda: Document.objects.select_related("network"),
        order=("network__key", "kind", "title_ja"),
    )
)
register(
    Table(
        "bodies",
        Body,
        M(
            "ネットワークの会議体（総会、運営委員会など）",
            "Bodies of networks (general assemblies, steering councils...)",
        ),
        (
            Column("network", M("ネットワークのキー", "Network key"), "network.key"),
            KEY,
            Column("kind", M("種別のコード", "Kind (code)")),
            NAME_JA,
            NAME_EN,
            Column("purpose_ja", M("目的（日本語）", "Purpose in Japanese")),
            Column("purpose_en", M("目的（英語）", "Purpose in English")),
            Column(
                "reports_to_body",
                M("報告先の会議体のキー", "Key of the body it reports to"),
                "reports_to_body.key",
            ),
            Column(
                "hosted_by", M("事務を置く組織のキー", "Key of the hosting organisation"), "hosted_by.key"
            ),
            Column("established_on", M("設置日", "Established on")),
            Column("is_provisional_name", M("名称が仮称か", "Whether the name is provisional (仮称)")),
            SOURCE,
        ),
        rows=lambda: Body.objects.select_related("network", "reports_to_body", "hosted_by", "source"),
        order=("network__key", "sort_order", "key"),
    )
)
register(
    Table(
        "posts",
        Post,
        M("会議体の役職（議長、委員の席など）", "Posts in bodies (chairs, member seats...)"),
        (
            Column("id", M("記録番号", "Record id"), "pk"),
            Column("network", M("ネットワークのキー", "Network key"), "body.network.key"),
            Column("body", M("会議体のキー", "Body key"), "body.key"),
            Column("role", M("役割のコード", "Role (code)")),
            Column("label_ja", M("名称（日本語）", "Label in Japanese")),
            Column("label_en", M("名称（英語）", "Label in English")),
            Column("selection", M("選び方のコード", "How it is filled (code)")),
            Column("seats", M("席数", "Number of seats")),
            SOURCE,
        ),
        rows=lambda: Post.objects.select_related("body__network", "source"),
        order=("body__network__key", "body__key", "sort_order", "pk"),
    )
)
register(
    Table(
        "tenures",
        Tenure,
        M(
            "役職の任期（誰がどの組織を代表して就いたか）",
            "Terms of office (who held a post, on behalf of which organisation)",
        ),
        (
            Column(
                "post", M("役職の記録番号（posts.csv の id）", "Post record id (id in posts.csv)"), "post_id"
            ),
            Column("person_ja", M("氏名（日本語）", "Person's name in Japanese"), "person.name_ja"),
            Column("person_en", M("氏名（英語）", "Person's name in English"), "person.name_en"),
            Column(
                "on_behalf_of",
                M("代表する組織のキー", "Key of the organisation represented"),
                "on_behalf_of.key",
            ),
            Column("start_date", M("任期の開始", "Term from")),
            Column("end_date", M("任期の終了", "Term until")),
        ),
        rows=lambda: Tenure.objects.select_related("person", "on_behalf_of"),
        order=("post_id", "start_date", "pk"),
    )
)
register(
    Table(
        "meetings",
        Meeting,
        M(
            "公開の会議（非公開の会議は含みません）",
            "Public meetings (meetings not marked public are left out)",
        ),
        (
            Column("id", M("記録番号", "Record id"), "pk"),
            Column("network", M("ネットワークのキー", "Network key"), "body.network.key"),
            Column("body", M("会議体のキー", "Body key"), "body.key"),
            Column("title_ja", M("名称（日本語）", "Title in Japanese")),
            Column("title_en", M("名称（英語）", "Title in English")),
            Column("held_on", M("開催日", "Held on")),
            Column("location_ja", M("場所（日本語）", "Place in Japanese")),
            Column("location_en", M("場所（英語）", "Place in English")),
            SOURCE,
        ),
        rows=lambda: Meeting.objects.select_related("body__network", "source"),
        order=("held_on", "pk"),
    )
)
register(
    Table(
        "programs",
        Program,
        M("公開されている講座・プログラム", "Published programs (courses, seminars, degrees...)"),
        (
            Column("provider", M("提供組織のキー", "Provider key"), "provider.key"),
            Column("unit", M("担当部局のキー", "Unit key"), "unit.key"),
            Column("code", M("講座コード", "Program code")),
            Column("title_ja", M("名称（日本語）", "Title in Japanese")),
            Column("title_en", M("名称（英語）", "Title in English")),
            Column("summary_ja", M("概要（日本語）", "Summary in Japanese")),
            Column("summary_en", M("概要（英語）", "Summary in English")),
            Column("kind", M("種別のコード", "Kind (code)")),
            Column("level", M("レベルのコード", "Level (code)")),
            Column("mode", M("実施形態のコード", "Mode (code)")),
            Column("language", M("言語のコード", "Language (code)")),
            Column("fields", M("分野のコード（;区切り）", "Field codes (';'-separated)"), _codes("fields")),
            Column("skills", M("スキルのコード（;区切り）", "Skill codes (';'-separated)"), _codes("skills")),
            Column("prefecture", M("都道府県コード", "Prefecture code")),
            Column("municipality_code", M("市区町村コード", "Municipality code")),
            Column("fee_yen", M("受講料（円）", "Fee (yen)")),
            Column("hours_total", M("総時間数", "Total hours")),
            Column("subsidy_kyouiku_kunren", M("教育訓練給付の対象か", "Eligible for 教育訓練給付")),
            Column("url", M("案内ページ", "Information page")),
            IS_SAMPLE,
            SOURCE,
        ),
        rows=lambda: Program.objects.select_related("provider", "unit", "source").prefetch_related(
            "fields", "skills"
        ),
        order=("provider__key", "code"),
    )
)
register(
    Table(
        "runs",
        ProgramRun,
        M("公開されている講座の開講回", "Runs (dated sessions) of published programs"),
        (
            Column("provider", M("提供組織のキー", "Provider key"), "program.provider.key"),
            Column("program", M("講座コード", "Program code"), "program.code"),
            Column("starts_on", M("開始日", "Starts on")),
            Column("ends_on", M("終了日", "Ends on")),
            Column("application_deadline", M("申込締切", "Application deadline")),
            Column("sessions", M("回数", "Number of sessions")),
            Column("hours", M("時間数", "Hours")),
        ),
        rows=lambda: ProgramRun.objects.select_related("program__provider"),
        order=("program__provider__key", "program__code", "starts_on", "pk"),
    )
)
register(
    Table(
        "teaching_contents",
        TeachingContent,
        M("共有される公開の教材", "Shared teaching content that is published"),
        (
            Column("id", M("記録番号", "Record id"), "pk"),
            Column("provider", M("提供組織のキー", "Provider key"), "provider.key"),
            Column("code", M("教材コード", "Content code")),
            Column("title_ja", M("名称（日本語）", "Title in Japanese")),
            Column("title_en", M("名称（英語）", "Title in English")),
            Column("kind", M("種別のコード", "Kind (code)")),
            Column("licence", M("ライセンス", "Licence")),
            Column("url", M("URL", "URL")),
            IS_SAMPLE,
            SOURCE,
        ),
        rows=lambda: TeachingContent.objects.select_related("provider", "source"),
        order=("provider__key", "code"),
    )
)
register(
    Table(
        "curricula",
        JointCurriculum,
        M("ネットワークの共同カリキュラム", "Joint curricula of networks"),
        (
            Column("network", M("ネットワークのキー", "Network key"), "network.key"),
            KEY,
            Column("title_ja", M("名称（日本語）", "Title in Japanese")),
            Column("title_en", M("名称（英語）", "Title in English")),
            IS_SAMPLE,
            SOURCE,
        ),
        rows=lambda: JointCurriculum.objects.select_related("network", "source"),
        order=("network__key", "key"),
    )
)
register(
    Table(
        "curriculum_units",
        CurriculumUnit,
        M("共同カリキュラムの単元", "Units of the joint curricula"),
        (
            Column("network", M("ネットワークのキー", "Network key"), "curriculum.network.key"),
            Column("curriculum", M("カリキュラムのキー", "Curriculum key"), "curriculum.key"),
            Column(
                "concept",
                M("モデルカリキュラムの概念コード", "Model-curriculum concept code"),
                "concept.code",
            ),
            Column("order", M("順序", "Order")),
            Column("title_ja", M("名称（日本語）", "Title in Japanese")),
            Column("title_en", M("名称（英語）", "Title in English")),
        ),
        rows=lambda: CurriculumUnit.objects.select_related("curriculum__network", "concept"),
        order=("curriculum__network__key", "curriculum__key", "order", "pk"),
    )
)


# --- partnerships (issue 11): published partnerships and what hangs from them; signed versions of the
# agreements their owner publishes (the policy gives an anonymous visitor nothing else) ------------------


PARTNERSHIP = Column("partnership", M("パートナーシップのキー", "Partnership key"), "partnership.key")

register(
    Table(
        "partnerships",
        Partnership,
        M(
            "戦略的パートナーシップ（ホーム大学と相手校）",
            "Strategic partnerships (a home university and a partner institution)",
        ),
        (
            KEY,
            Column("home", M("ホーム大学のキー", "Key of the home university"), "home.key"),
            Column("partner", M("相手校のキー", "Key of the partner institution"), "partner.key"),
            Column("title_ja", M("名称（日本語）", "Title in Japanese")),
            Column("title_en", M("名称（英語）", "Title in English")),
            Column("summary_ja", M("概要（日本語）", "Summary in Japanese")),
            Column("summary_en", M("概要（英語）", "Summary in English")),
            Column("started_on", M("開始日", "Started on")),
            Column(
                "started_precision", M("開始日の精度（day/month/year/fy）", "Precision of the start date")
            ),
            IS_SAMPLE,
            SOURCE,
        ),
        rows=lambda: Partnership.objects.select_related("home", "partner", "source"),
        order=("key",),
    )
)
register(
    Table(
        "partnership_tiers",
        PartnershipTier,
        M("期ごとのパートナー区分", "Tier of each partnership in each programme phase"),
        (
            PARTNERSHIP,
            Column("phase", M("期の番号", "Phase number"), "phase.number"),
            Column("tier", M("区分のコード", "Tier (code)")),
            SOURCE,
        ),
        rows=lambda: PartnershipTier.objects.select_related("partnership", "phase", "source"),
        order=("partnership__key", "phase__number"),
    )
)
register(
    Table(
        "partnership_team_members",
        TeamMember,
        M("パートナーシップに参画する部局", "Units of the home university in each partnership's team"),
        (
            PARTNERSHIP,
            Column("unit", M("部局のキー", "Unit key"), "unit.key"),
            Column("is_lead", M("主幹部局か", "Whether the unit leads the team")),
            Column("joined_on", M("参画日", "Joined on")),
            Column("left_on", M("離脱日", "Left on")),
        ),
        rows=lambda: TeamMember.objects.select_related("partnership", "unit"),
        order=("partnership__key", "sort_order", "pk"),
    )
)
register(
    Table(
        "partnership_activities",
        Activity,
        M(
            "パートナーシップの活動（シンポジウム、訪問など）",
            "Activities of partnerships (symposia, visits...)",
        ),
        (
            PARTNERSHIP,
            KEY,
            Column("kind", M("種別のコード", "Kind (code)")),
            Column("title_ja", M("名称（日本語）", "Title in Japanese")),
            Column("title_en", M("名称（英語）", "Title in English")),
            Column("starts_on", M("開始日", "Starts on")),
            Column("date_precision", M("日付の精度", "Precision of the dates")),
            Column("ends_on", M("終了日", "Ends on")),
            Column("host", M("開催側のコード", "Host side (code)")),
            Column("mode", M("開催形態のコード", "Mode (code)")),
            Column("participants", M("参加者数", "Participants")),
            Column(
                "participants_qualifier",
                M("参加者数の性質（exact/about/over）", "Whether the count is exact"),
            ),
            IS_SAMPLE,
            SOURCE,
        ),
        rows=lambda: Activity.objects.select_related("partnership", "source"),
        order=("partnership__key", "starts_on", "key"),
    )
)
register(
    Table(
        "partnership_mobility",
        MobilityFigure,
        M(
            "人の移動の数（記録から数えた値と、資料が述べる値を basis で区別）",
            "People moving under partnerships: counted from records or as a source declares it (basis)",
        ),
        (
            PARTNERSHIP,
            Column("fiscal_year", M("年度（空欄は典型的な年）", "Fiscal year (empty: a typical year)")),
            Column("direction", M("方向のコード", "Direction (code)")),
            Column("category", M("区分のコード", "Category (code)")),
            Column("count", M("人数", "People")),
            Column("basis", M("counted（数えた値）/declared（述べられた値）", "counted or declared")),
            Column("qualifier", M("数の性質（exact/about/over）", "Whether the count is exact")),
            IS_SAMPLE,
            SOURCE,
        ),
        rows=lambda: MobilityFigure.objects.select_related("partnership", "source"),
        order=("partnership__key", "fiscal_year", "direction", "category", "basis"),
    )
)
register(
    Table(
        "agreement_versions",
        AgreementVersion,
        M(
            "公開された協定の署名済みの版（改定・更新は前の版を指す）",
            "Signed versions of the agreements their owner publishes (amendments and renewals name the "
            "version they replace)",
        ),
        (
            Column("agreement", M("協定のキー", "Agreement key"), "agreement.key"),
            Column("kind", M("協定の種別のコード", "Kind of agreement (code)"), "agreement.kind"),
            Column("title_ja", M("協定名（日本語）", "Title in Japanese"), "agreement.title_ja"),
            Column("title_en", M("協定名（英語）", "Title in English"), "agreement.title_en"),
            Column("owner", M("所有する大学のキー", "Key of the owning university"), "agreement.owner.key"),
            Column("number", M("版の番号", "Version number")),
            Column(
                "previous", M("置き換える版の番号", "Number of the version it replaces"), "previous.number"
            ),
            Column("change", M("original/amendment/renewal", "original, amendment or renewal")),
            Column("status", M("状態のコード", "Status (code)")),
            Column("valid_from", M("発効日", "In effect from")),
            Column("valid_until", M("終了日", "In effect until")),
            Column("signed_on", M("署名日（最後の当事者）", "Signed on (the last party)")),
            Column("date_precision", M("日付の精度", "Precision of the dates")),
            Column("scope_ja", M("範囲（日本語）", "Scope in Japanese")),
            Column("scope_en", M("範囲（英語）", "Scope in English")),
            Column(
                "is_sample", M("デモ用のサンプルデータか", "Whether it is sample data"), "agreement.is_sample"
            ),
        ),
        rows=lambda: AgreementVersion.objects.select_related("agreement__owner", "previous"),
        order=("agreement__key", "number"),
    )
)

# --- indicators: initiatives, their evaluations, indicators with their targets and published actuals ---

OWNER_ORGANISATION = Column(
    "organisation",
    M("記録する組織のキー（ネットワークの記録では空欄）", "Key of the owning organisation"),
    "organisation.key",
)
OWNER_NETWORK = Column(
    "network",
    M("記録するネットワークのキー（組織の記録では空欄）", "Key of the owning network"),
    "network.key",
)
INDICATOR = Column("indicator", M("指標のキー", "Indicator key"), "indicator.key")
FISCAL_YEAR = Column("fiscal_year", M("年度", "Fiscal year"))
VALUE = Column("value", M("値", "Value"))

register(
    Table(
        "initiatives",
        Initiative,
        M("事業（補助事業やプロジェクト）とその目的・期間", "Initiatives (funded programmes and projects)"),
        (
            KEY,
            OWNER_ORGANISATION,
            OWNER_NETWORK,
            NAME_JA,
            NAME_EN,
            Column("funder_ja", M("補助事業名（日本語）", "Funding programme in Japanese")),
            Column("funder_en", M("補助事業名（英語）", "Funding programme in English")),
            Column("aims_ja", M("目的（日本語）", "Aims in Japanese")),
            Column("aims_en", M("目的（英語）", "Aims in English")),
            Column("starts_fy", M("開始年度", "First fiscal year")),
            Column("ends_fy", M("終了年度", "Last fiscal year")),
            IS_SAMPLE,
            SOURCE,
        ),
        rows=lambda: Initiative.objects.select_related("organisation", "network", "source"),
        order=("key",),
    )
)
register(
    Table(
        "initiative_evaluations",
        Evaluation,
        M("事業の評価（評価者、年度、評語、講評）", "Evaluations of initiatives (evaluator, year, grade)"),
        (
            Column("initiative", M("事業のキー", "Initiative key"), "initiative.key"),
            Column("evaluator_ja", M("評価者（日本語）", "Evaluator in Japanese")),
            Column("evaluator_en", M("評価者（英語）", "Evaluator in English")),
            FISCAL_YEAR,
            Column("held_on", M("評価日", "Date")),
            Column("grade", M("評語（付かない評価は空欄）", "Grade (empty when none was given)")),
            Column("comments_ja", M("講評（日本語）", "Comments in Japanese")),
            Column("comments_en", M("講評（英語）", "Comments in English")),
            IS_SAMPLE,
            SOURCE,
        ),
        rows=lambda: Evaluation.objects.select_related("initiative", "source"),
        order=("initiative__key", "fiscal_year", "pk"),
    )
)
register(
    Table(
        "indicators",
        Indicator,
        M("指標（KPI）：定義、望ましい方向、基準値", "Indicators (KPIs): definition, direction, baseline"),
        (
            KEY,
            Column("initiative", M("事業のキー", "Initiative key"), "initiative.key"),
            OWNER_ORGANISATION,
            OWNER_NETWORK,
            NAME_JA,
            NAME_EN,
            Column("unit_ja", M("単位（日本語）", "Unit in Japanese")),
            Column("unit_en", M("単位（英語）", "Unit in English")),
            Column("definition_ja", M("定義（日本語）", "Definition in Japanese")),
            Column("definition_en", M("定義（英語）", "Definition in English")),
            Column(
                "direction", M("higher（高いほど良い）/lower（低いほど良い）", "higher or lower is better")
            ),
            Column("category", M("分野のコード", "Category (code)")),
            Column("baseline_value", M("基準値", "Baseline value")),
            Column("baseline_fy", M("基準年度", "Baseline fiscal year")),
            Column(
                "computation",
                M(
                    "登録情報から計算する指標の計算名（入力値の指標は空欄）",
                    "Computation (empty: typed actuals)",
                ),
            ),
            IS_SAMPLE,
            SOURCE,
        ),
        rows=lambda: Indicator.objects.select_related("initiative", "organisation", "network", "source"),
        order=("key",),
    )
)
register(
    Table(
        "indicator_targets",
        Target,
        M("指標の年度ごとの目標値", "Targets of indicators by fiscal year"),
        (
            INDICATOR,
            FISCAL_YEAR,
            VALUE,
            Column("set_in_fy", M("目標を定めた年度", "Fiscal year the target was set in")),
            Column("is_sample", IS_SAMPLE.about, "indicator.is_sample"),
            SOURCE,
        ),
        rows=lambda: Target.objects.select_related("indicator", "source"),
        order=("indicator__key", "fiscal_year"),
    )
)
register(
    Table(
        "indicator_actuals",
        Actual,
        M(
            "指標の年度ごとの実績値（公表済みのもの。数えた値と資料が述べる値を basis で区別）",
            "Published actuals of indicators by fiscal year (counted or declared: basis)",
        ),
        (
            INDICATOR,
            FISCAL_YEAR,
            VALUE,
            Column("basis", M("counted（数えた値）/declared（述べられた値）", "counted or declared")),
            Column("source_detail", M("出典資料の該当箇所", "Where in the source (page, table)")),
            IS_SAMPLE,
            SOURCE,
        ),
        rows=lambda: Actual.objects.select_related("indicator", "source"),
        order=("indicator__key", "fiscal_year"),
    )
)
