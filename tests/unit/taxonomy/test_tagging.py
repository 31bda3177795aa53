"""The skill tagger: dictionary matching of normalised labels and synonyms (its cached dictionary from
the database: tests/integration/taxonomy/test_tagging_dictionary.py)."""

from __future__ import annotations

import pytest

from renkei.taxonomy.models import Concept
from renkei.taxonomy.readers.starter import read_starter
from renkei.taxonomy.tagging import ConceptDictionary, ConceptMatch, concepts_in_text


@pytest.fixture(scope="module")
def starter() -> ConceptDictionary:
    """The starter taxonomy's terms, straight from its TOML (no database)."""
    return ConceptDictionary.build(
        (c.code, [c.label_ja, c.label_en, *c.synonyms_ja, *c.synonyms_en])
        for c in read_starter().concepts
        if c.auto_tag
    )


def codes(text: str, dictionary: ConceptDictionary) -> list[str]:
    return [match.code for match in concepts_in_text(text, concepts=dictionary)]


@pytest.mark.parametrize(
    ("text", "code", "term"),
    [
        ("シミュレーション演習", "skill-simulation", "シミュレーション"),
        ("シュミレーション演習", "skill-simulation", "シュミレーション"),  # a listed misspelling
        ("シュミレーションを使った設計", "skill-simulation", "シュミレーション"),
        ("サーバー構築の基礎", "skill-server", "サーバー構築"),
        ("サーバ構築の基礎", "skill-server", "サーバ構築"),
        ("ｻｰﾊﾞｰ構築", "skill-server", "サーバー構築"),  # half-width katakana
        ("ＤＸ推進リーダー育成", "skill-dx", "DX推進"),  # full-width letters
        ("中小企業のＤＸ", "skill-dx", "DX"),
        ("dxの基礎", "skill-dx", "DX"),
        ("デジタルトランスフォーメーション入門", "skill-dx", "デジタルトランスフォーメーション"),
        ("Python3によるデータ処理", "skill-python", "Python"),
        ("ＰＹＴＨＯＮ入門", "skill-python", "Python"),
        ("データの分析と報告", "skill-data-analysis", "データ分析"),  # Sudachi words, particle dropped
        ("生成ＡＩの業務活用", "skill-generative-ai", "生成AI"),
        ("MDASHリテラシーレベル認定プログラム", "mdash-lit", "MDASHリテラシーレベル"),
        (
            "数理・データサイエンス・AI（応用基礎レベル）",
            "mdash-app",
            "数理・データサイエンス・AI（応用基礎レベル）",
        ),
        ("教師あり学習の実践", "mdash-lit-4-8", "教師あり学習"),
        ("Introduction to machine learning", "skill-machine-learning", "Machine learning"),
        ("介護職員初任者研修", "skill-care", "介護職員初任者研修"),  # the longest term at the same place
    ],
)
def test_finds_concepts_through_labels_synonyms_and_normalisation(
    starter: ConceptDictionary, text: str, code: str, term: str
) -> None:
    matches = concepts_in_text(text, concepts=starter)
    assert ConceptMatch(code, term) in matches


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("MySQLの設定", "skill-sql"),  # ASCII terms need word edges
        ("send mail", "field-ai"),
        ("students excel at it", "skill-python"),
        ("excellent results", "skill-excel"),
        ("令和6会計年度の事業報告", "skill-accounting"),  # a fiscal year, not accounting
        ("クラウドファンディングで資金調達", "skill-cloud"),
        ("大学間連携ネットワークの会議", "skill-networking"),  # the network of universities, not networking
        ("導入", "mdash-lit-1"),  # a section of an MDASH level: not looked for in text
    ],
)
def test_does_not_find_concepts_where_the_term_means_something_else(
    starter: ConceptDictionary, text: str, code: str
) -> None:
    assert code not in codes(text, starter)


def test_each_concept_once_in_order_of_appearance(starter: ConceptDictionary) -> None:
    # when
    found = codes("簿記とExcel、それからエクセルで簿記の復習", starter)
    # then
    assert found == ["skill-bookkeeping", "skill-excel"]


@pytest.mark.parametrize("text", ["", "   ", "。、！"])
def test_empty_text_finds_nothing(starter: ConceptDictionary, text: str) -> None:
    assert concepts_in_text(text, concepts=starter) == []


def test_accepts_concept_objects_directly() -> None:
    # given: unsaved concepts (anything with a code and terms())
    concepts = [
        Concept(code="x-weaving", label_ja="機織り", synonyms_ja="はた織り"),
        Concept(code="x-dyeing", label_en="Dyeing", synonyms_en="indigo dyeing"),
    ]
    # when
    matches = concepts_in_text("Indigo dyeing and はた織り", concepts=concepts)
    # then
    assert matches == [ConceptMatch("x-dyeing", "indigo dyeing"), ConceptMatch("x-weaving", "はた織り")]


def test_single_character_terms_are_ignored() -> None:
    dictionary = ConceptDictionary.build([("x-c", ["C", "農"]), ("x-farm", ["農業"])])
    assert codes("C言語と農業", dictionary) == ["x-farm"]
