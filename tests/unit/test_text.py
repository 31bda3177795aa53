"""renkei.text: normalisation, index terms, query terms, renderers, and the no-false-negative property."""

from __future__ import annotations

import re
import sqlite3
import threading

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from support.text_cases import PAIR_TEXT, VARIANTS, jp_chars

from renkei.text import (
    Group,
    Query,
    Term,
    contains_normalised,
    index_terms,
    matches,
    normalise,
    parse_query,
    query_terms,
    terms_for_matching,
    to_fts5,
    to_fts5_exclusions,
    to_tsquery,
)
from renkei.text.query import japanese_run_terms
from renkei.text.tokens import JP_CHARS, fold_kana, runs, substrings

# --- SQLite FTS5 helpers ---------------------------------------------------------------------------


def fts5_db(docs: list[str]) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='unicode61 remove_diacritics 0')")
    db.executemany(
        "INSERT INTO t(rowid, body) VALUES (?, ?)",
        [(i, " ".join(index_terms(d))) for i, d in enumerate(docs)],
    )
    return db


def fts5_search(db: sqlite3.Connection, query: Query) -> set[int]:
    """What a back-end does with the renderers, including the no-positive-part case."""
    everything = {r[0] for r in db.execute("SELECT rowid FROM t")}
    if expr := to_fts5(query):
        return {r[0] for r in db.execute("SELECT rowid FROM t WHERE t MATCH ?", (expr,))}
    if excl := to_fts5_exclusions(query):
        return everything - {r[0] for r in db.execute("SELECT rowid FROM t WHERE t MATCH ?", (excl,))}
    return everything


def fts5_tokens(text: str) -> list[str]:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='unicode61 remove_diacritics 0')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    db.execute("INSERT INTO t VALUES (?)", (text,))
    return [r[0] for r in db.execute("SELECT term FROM v ORDER BY offset")]


def fts5_tokens_each(texts: list[str]) -> list[list[str]]:
    """The FTS5 tokens of each text on its own (one row per text)."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='unicode61 remove_diacritics 0')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    db.executemany("INSERT INTO t(rowid, body) VALUES (?, ?)", enumerate(texts, start=1))
    tokens: list[list[str]] = [[] for _ in texts]
    for term, row in db.execute("SELECT term, doc FROM v ORDER BY doc, offset"):
        tokens[row - 1].append(term)
    return tokens


def found(query_text: str, doc: str) -> bool:
    return matches(parse_query(query_text), index_terms(doc))


# --- normalise -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＤＸ推進", "dx推進"),
        ("Data  Science\n", "data science"),
        ("データ\u3000分析", "データ 分析"),
        ("ｻｰﾊﾞ", "サーバ"),
        ("サーバ－", "サーバー"),
        ("サーバ−管理", "サーバー管理"),
        ("コンピュータ―", "コンピューター"),
        ("データ――それは", "データ――それは"),  # prose dash kept
        ("a－b", "a-b"),
        ("品\u200b質", "品質"),
        ("①２３", "123"),
        ("", ""),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)


def test_contains_normalised() -> None:
    assert contains_normalised("ＤＸ推進のための品質管理", "dx")
    assert contains_normalised("サーバ－構築", "サーバー")
    assert not contains_normalised("品質管理", "品管")


# --- index terms -----------------------------------------------------------------------------------


def test_index_terms_encoding() -> None:
    terms = index_terms("シュミレーションとサーバの品質をＤＸで")
    assert {"シミュレーション", "サーバー", "品質", "dx"} <= set(terms)  # Sudachi normalized forms
    assert {"品質b", "質ヲb", "品u", "ヲu", "バーb"} <= set(terms)  # grams (kana folded), variant bigram バー
    assert {"xシュミレーショントサ", "x品質ヲDX", "xノ品質ヲ"} - set(terms) == {"x品質ヲDX"}  # substrings
    assert not {"と", "の", "を", "で"} & set(terms)  # particles dropped as words


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("かんご", "カンゴ"),
        ("ひらがなとカタカナ", "ヒラガナトカタカナ"),
        ("ゝゞ", "ヽヾ"),
        ("漢字 abc ー", "漢字 abc ー"),
    ],
)
def test_fold_kana(text: str, folded: str) -> None:
    assert fold_kana(text) == folded


@pytest.mark.parametrize(
    ("run", "terms"),
    [
        ("品質", []),
        ("品質管", ["x品質管"]),
        ("データ分析", ["xデータ分析", "xータ分析", "xタ分析"]),
        (
            "あいうえおかきくけこさ",
            ["xあいうえおかきくけこ", "xいうえおかきくけこさ", *[]]
            + ["x" + "あいうえおかきくけこさ"[i:] for i in range(2, 9)],
        ),
    ],
)
def test_substrings(run: str, terms: list[str]) -> None:
    assert substrings(run) == terms


def test_english_words_not_transliterated() -> None:
    # the words, then a pair term per two adjacent words (for phrases)
    assert index_terms("The data science") == ["the", "data", "science", "ヲtheヲdata", "ヲdataヲscience"]
    assert terms_for_matching("The data science") == ["the", "data", "science"]


def test_terms_for_matching() -> None:
    assert terms_for_matching("シュミレーションとサーバの品質をＤＸで行いました。") == [
        "シミュレーション",
        "サーバー",
        "品質",
        "dx",
        "行う",
    ]


def test_dictionary_loaded_once() -> None:
    from renkei.text import tokens

    assert tokens._load() is tokens._load()


def test_long_text_is_chunked() -> None:
    text = "品質管理をDXで行いました。" * 5000  # 70k chars, over Sudachi's 49,149-byte limit
    assert index_terms(text).count("品質") == 5000


def test_threads_have_own_tokenizers() -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(50):
                assert "シミュレーション" in index_terms("シュミレーション演習" * 20)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_every_japanese_char_stays_in_one_fts5_token() -> None:
    chars = list(jp_chars())
    assert len(chars) > 90_000
    tokens = fts5_tokens(" ".join(f"{c}u a{c}b" for c in chars))
    assert tokens == [t for c in chars for t in (f"{c}u", f"a{c}b")]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Co", "Cn")), max_size=40))
def test_index_terms_are_single_fts5_tokens(text: str) -> None:
    terms = index_terms(text)
    # FTS5 folds case by its own (Unicode 6.1) tables, ς to σ for one; we fold only ASCII: so each term is
    # compared with the token FTS5 makes of it alone, not with a Python lower-casing of it
    each = fts5_tokens_each(terms)
    assert [len(tokens) for tokens in each] == [1] * len(terms)
    assert fts5_tokens(" ".join(terms)) == [tokens[0] for tokens in each]


# --- variant cases (support/text_cases.py), Python evaluator and real FTS5 ----------------------------


@pytest.mark.parametrize(("query", "doc", "expected"), VARIANTS)
def test_variants_python(query: str, doc: str, expected: bool) -> None:
    assert found(query, doc) is expected


@pytest.mark.parametrize(("query", "doc", "expected"), VARIANTS)
def test_variants_sqlite_fts5(query: str, doc: str, expected: bool) -> None:
    db = fts5_db(["無関係な文書", doc])
    assert fts5_search(db, parse_query(query)) == ({1} if expected else set())


def test_exclusion_only_and_empty_queries() -> None:
    db = fts5_db(["データ分析入門", "データ分析応用"])
    assert fts5_search(db, parse_query("-入門")) == {1}
    assert fts5_search(db, parse_query("")) == {0, 1}
    assert fts5_search(db, parse_query("・・・ !!")) == {0, 1}
    assert parse_query("").is_empty
    assert parse_query("  ・ ").is_empty
    assert not parse_query("-入門").is_empty


# --- parser ----------------------------------------------------------------------------------------


def _texts(q: Query) -> tuple[list[str], list[str]]:
    return [g.text for g in q.include], [g.text for g in q.exclude]


@pytest.mark.parametrize(
    ("raw", "include", "exclude"),
    [
        ("データ 分析", ["データ", "分析"], []),
        ("データ\u3000分析", ["データ", "分析"], []),
        ('"データ 分析" 入門', ["データ 分析", "入門"], []),
        ("＂データ 分析＂", ["データ 分析"], []),
        ("“データ 分析”", ["データ 分析"], []),
        ("「データ 分析」 -『入門 講座』", ["データ 分析"], ["入門 講座"]),
        ('"unterminated phrase', ["unterminated phrase"], []),
        ("データ -入門 －基礎", ["データ"], ["入門", "基礎"]),
        ("a - b", ["a", "b"], []),  # lone dash is not an operator
        ("サーバ－", ["サーバー"], []),  # full-width dash after katakana is a long vowel
        ("a OR b c", ["a OR b", "c"], []),
        ("OR a", ["or", "a"], []),
        ("a OR", ["a", "or"], []),
        ("a or b", ["a", "or", "b"], []),
        ("", [], []),
        ('"" ・', [], []),
    ],
)
def test_parse_query(raw: str, include: list[str], exclude: list[str]) -> None:
    assert _texts(parse_query(raw)) == (include, exclude)


@pytest.mark.parametrize(
    ("run", "terms"),
    [
        ("農", [Term("農u")]),
        ("品質", [Term("品質b")]),
        ("のう", [Term("ノウb")]),  # hiragana folded to katakana
        ("データ分析", [Term("xデータ分析", prefix=True)]),  # 3+: one contiguous substring (prefix term)
        ("しみゅれーしょん", [Term("xシミュレーション", prefix=True)]),
        ("サーバー", [Term("xサーバ", prefix=True)]),  # a final ー is dropped: サーバー = サーバ
        ("コンピューター", [Term("xコンピュータ", prefix=True)]),
        ("コピー", [Term("xコピー", prefix=True)]),  # ... unless fewer than 3 characters would be left
        ("データーー", [Term("xデーターー", prefix=True)]),  # ... or it is a dash run
        (
            "データサイエンス実践講座",  # longer than SUBSTRING_MAX: every window of that length
            [
                Term("xデータサイエンス実践", prefix=True),
                Term("xータサイエンス実践講", prefix=True),
                Term("xタサイエンス実践講座", prefix=True),
            ],
        ),
    ],
)
def test_japanese_run_terms(run: str, terms: list[Term]) -> None:
    assert japanese_run_terms(run) == terms


@pytest.mark.parametrize(
    ("text", "fts5"),
    [
        ("データ分析", '("xデータ分析"* OR ("データ" AND "分析"))'),  # contiguous, or Sudachi words apart
        ('"データ分析"', '"xデータ分析"*'),  # a phrase: contiguous only
        ("「データ 分析」", '"xデータ分析"*'),  # Japanese words of a phrase are joined
        ('"シュミレーション"', '("xシュミレーション"* OR "シミュレーション")'),  # one-word variant kept
        ("しみゅれーしょん", '("xシミュレーション"* OR "シミュレーション")'),  # Sudachi on the katakana
    ],
)
def test_phrase_and_folding_queries(text: str, fts5: str) -> None:
    assert to_fts5(parse_query(text)) == fts5


def test_query_terms_shapes() -> None:
    (one,) = query_terms("農")
    assert one.alternatives == ((Term("農u"),),)
    (two,) = query_terms("品質")
    assert two.alternatives == ((Term("品質b"),),)
    (three,) = query_terms("シュミレーション")
    assert (Term("シミュレーション"),) in three.alternatives
    assert (Term("xシュミレーション", prefix=True),) in three.alternatives
    assert query_terms("pyth ai") == (
        Group(((Term("pyth", prefix=True),),), "pyth", exact=(Term("pyth", prefix=True),)),
        Group(((Term("ai"),),), "ai", exact=(Term("ai"),)),
    )
    assert query_terms(" ・ ") == ()


# --- renderers -------------------------------------------------------------------------------------


def test_render_exact_strings() -> None:
    q = parse_query("サーバ pyth -入門 -農")
    assert to_fts5(q) == '(("xサーバ"* OR "サーバー") AND "pyth"*) NOT ("入門b" OR "農u")'
    assert to_fts5_exclusions(q) == '("入門b" OR "農u")'
    assert to_tsquery(q) == "(('xサーバ':* | 'サーバー') & 'pyth':*) & !('入門b' | '農u')"


def test_render_exclusion_only_and_empty() -> None:
    q = parse_query("-入門")
    assert (to_fts5(q), to_fts5_exclusions(q), to_tsquery(q)) == ("", '"入門b"', "!'入門b'")
    assert (to_fts5(Query()), to_fts5_exclusions(Query()), to_tsquery(Query())) == ("", "", "")


def test_render_escaping() -> None:
    nasty = Query(
        (Group(((Term('a"b'), Term("it's", prefix=True)), (Term("x\\y"),))),), (Group(((Term("AND"),),)),)
    )
    assert to_fts5(nasty) == '(("a""b" AND "it\'s"*) OR "x\\y") NOT "AND"'
    assert to_tsquery(nasty) == "(('a\"b' & 'it''s':*) | 'x\\\\y') & !'AND'"


@pytest.mark.parametrize("raw", ["AND OR NOT NEAR", "( ) * ' ^ : + -", 'NEAR(a b) col:x "AND"', "a* ^b"])
def test_operator_words_and_symbols_render_safely(raw: str) -> None:
    db = fts5_db(["and or not near", "near a b col x"])
    expected = {
        i
        for i, d in enumerate(["and or not near", "near a b col x"])
        if matches(parse_query(raw), index_terms(d))
    }
    assert fts5_search(db, parse_query(raw)) == expected  # no FTS5 syntax error, same answer
    assert all(t.text.isalnum() for g in parse_query(raw).include for a in g.alternatives for t in a)


def test_escaped_fts5_expression_is_valid() -> None:
    db = fts5_db(["x y"])  # "x\\y" is the phrase "x y" for unicode61
    nasty = Query(
        (Group(((Term('a"b'), Term("it's", prefix=True)), (Term("x\\y"),))),), (Group(((Term("AND"),),)),)
    )
    assert db.execute("SELECT count(*) FROM t WHERE t MATCH ?", (to_fts5(nasty),)).fetchone() == (1,)


# --- the key guarantee: no false negatives ----------------------------------------------------------

ALPHABET = "品質管理経営学農業医療" + "あいうのをとは" + "シミュレーサバーデタ" + "abcdxyz" + "  "
_W = r"[^\W_]"
_JP = re.compile(f"[{JP_CHARS}]")


def _is_word_char(c: str) -> bool:
    return bool(re.fullmatch(_W, c)) and not _JP.match(c)


def oracle(doc: str, needle: str) -> bool:
    """contains_normalised, restricted as documented for non-Japanese words: the match starts at a word
    start (if the needle starts with one) and ends at a word end if its last word run is < 3 chars."""
    h, n = normalise(doc), normalise(needle)
    if not n or not contains_normalised(doc, needle):
        return False
    tail = list(runs(n))
    last_short = bool(tail) and not tail[-1][0] and n.endswith(tail[-1][1]) and len(tail[-1][1]) < 3
    for p in (m.start() for m in re.finditer(f"(?={re.escape(n)})", h)):
        if _is_word_char(n[0]) and p > 0 and _is_word_char(h[p - 1]):
            continue
        end = p + len(n)
        if last_short and end < len(h) and _is_word_char(h[end]):
            continue
        return True
    return False


@st.composite
def doc_and_needle(draw: st.DrawFn) -> tuple[str, str]:
    doc = draw(st.text(alphabet=ALPHABET, max_size=30))
    if doc and draw(st.booleans()):
        i = draw(st.integers(0, len(doc) - 1))
        j = draw(st.integers(i + 1, min(len(doc), i + 8)))
        return doc, doc[i:j]
    return doc, draw(st.text(alphabet=ALPHABET, min_size=1, max_size=6))


@settings(max_examples=400, deadline=None)
@given(doc_and_needle())
def test_no_false_negatives(case: tuple[str, str]) -> None:
    doc, needle = case
    assume(oracle(doc, needle))
    assert matches(Query(query_terms(needle)), index_terms(doc))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.text(alphabet=ALPHABET + '-"「」 ', max_size=20), min_size=1, max_size=5),
    st.text(alphabet=ALPHABET + "-\"「」'*()OR ", max_size=12),
)
def test_fts5_agrees_with_python(docs: list[str], raw: str) -> None:
    q = parse_query(raw)
    expected = {i for i, d in enumerate(docs) if matches(q, index_terms(d))}
    assert fts5_search(fts5_db(docs), q) == expected


def test_fts5_keeps_pair_terms_whole() -> None:
    pairs = [t for t in index_terms(PAIR_TEXT) if t.startswith("ヲ")]
    assert "ヲdataヲscience" in pairs
    assert "ヲ한국어ヲ강좌" in pairs
    assert fts5_tokens(" ".join(pairs)) == [t.lower() for t in pairs]  # one token each (case folded)
