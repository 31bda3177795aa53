"""The demo's initiatives and indicators against their sources, figure by figure: source 001 (Tohoku
University's progress report) and 002 (the Yamagata project, whose indicators are counted from records)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from renkei.indicators.models import Actual, Evaluation, Indicator
from renkei.indicators.selectors import series

pytestmark = pytest.mark.django_db

# key -> baseline (value, fiscal year), targets {fy: value}, actuals {fy: value}, as the source states them
TOHOKU = {
    "tohoku-international-students": ((D(2048), 2013), {2023: D(3500)}, {2019: D(3548)}),
    "tohoku-english-courses": ((D(586), 2013), {2023: D(910)}, {2019: D(1065)}),
    "tohoku-outbound-exchange": ((D(269), 2013), {2019: D(720)}, {2019: D(750)}),
    "tohoku-co-learning-classes": ((D(11), 2013), {}, {2019: D(70)}),
    "tohoku-tgl-participants": ((None, None), {}, {2019: D(3304)}),
    "tohoku-pre-entry-rounds": ((None, None), {}, {2019: D(6)}),
    "tohoku-pre-entry-participants": ((None, None), {}, {2019: D(146)}),
    "tohoku-joint-graduate-programs": ((None, None), {2023: D(7)}, {2019: D(9)}),
    "tohoku-joint-program-partners": ((None, None), {}, {2019: D(20)}),
    "tohoku-joint-program-enrolment": ((None, None), {}, {2019: D(197)}),
    "tohoku-joint-program-graduates": ((None, None), {}, {2019: D(21)}),
    "tohoku-own-funds-scholarships": ((None, None), {}, {2019: D("2.9")}),
    "tohoku-emergency-support-budget": ((None, None), {}, {2020: D(4)}),
    "tohoku-emergency-support-students": ((None, None), {}, {2020: D(3582)}),
    "tohoku-emergency-support-international": ((None, None), {}, {2020: D(384)}),
    "tohoku-peer-supporters": ((None, None), {}, {2020: D(2289)}),
    "tohoku-peer-supporters-international": ((None, None), {}, {2020: D(121)}),
}


def test_every_figure_of_source_001_is_loaded_as_the_source_states_it(demo_loaded) -> None:
    indicators = Indicator.objects.filter(initiative__key="tohoku-global-initiative")
    assert set(indicators.values_list("key", flat=True)) == set(TOHOKU)
    for indicator in indicators:
        baseline, targets, actuals = TOHOKU[indicator.key]
        assert (indicator.baseline_value, indicator.baseline_fy) == baseline, indicator.key
        assert {t.fiscal_year: t.value for t in indicator.targets.all()} == targets, indicator.key
        rows = list(indicator.actuals.all())
        assert {a.fiscal_year: a.value for a in rows} == actuals, indicator.key
        for a in rows:  # figures a document states: declared, published, from source 001, not sample
            assert (a.basis, a.state, a.source.code, a.is_sample) == ("declared", "published", "001", False)
    notes = dict(Actual.objects.filter(indicator__initiative__key="tohoku-global-initiative")
                 .exclude(note_ja="").values_list("indicator__key", "note_ja"))  # fmt: skip
    assert notes["tohoku-tgl-participants"] == "学部学生の約3割"
    assert notes["tohoku-emergency-support-students"] == "うち留学生384人"
    assert notes["tohoku-peer-supporters"] == "うち留学生121人"
    evaluations = Evaluation.objects.filter(initiative__key="tohoku-global-initiative").order_by(
        "fiscal_year"
    )
    assert [(e.fiscal_year, e.evaluator_ja[:12]) for e in evaluations] == [
        (2016, "国際アドバイザリーボード"),
        (2019, "国際アドバイザリーボード"),
    ]


def test_the_yamagata_project_keeps_the_selection_named_in_source_002(demo_loaded) -> None:
    (selection,) = Evaluation.objects.filter(initiative__key="yamagata-recurrent-platform")
    assert (selection.fiscal_year, selection.grade) == (2023, "採択（申請26件中12件）")
    assert "あわせて59機関が加盟する「やまがた社会共創プラットフォーム」" in selection.comments_ja
    assert selection.source.code == "002"


def test_the_yamagata_project_and_each_network_count_their_indicators_from_records(demo_loaded) -> None:
    computed = dict(
        Indicator.objects.filter(initiative__key="yamagata-recurrent-platform").values_list(
            "key", "computation"
        )
    )
    assert computed == {
        "yamagata-programs-aggregated": "network_programs",
        "yamagata-needs-collected": "needs_collected",
        "yamagata-needs-matched": "needs_matched",
    }
    for indicator in Indicator.objects.filter(key__in=computed):
        s = series(indicator, None)
        assert s.points, indicator.key
        assert all(p.origin == "computed" for p in s.points), indicator.key
        assert indicator.is_sample
        assert s.is_sample
    members = Indicator.objects.filter(computation="network_members", network__isnull=False)
    assert members.count() == 4
    assert members.values("network").distinct().count() == 4
    counted = {i.network.key: series(i, None).points for i in members.select_related("network")}
    # the alliance: 東北地区の７国立大学と新潟大学 (000); the Yamagata platform counts the members the demo
    # names (the source states 59 without naming them all); わきたつ東北戦略会議 has no member named
    assert {p.value for p in counted["tohoku-sosei-alliance"]} == {D(8)}
    assert counted["yamagata-platform"]
    assert counted["internationalization-forum"]
    assert counted["wakitatsu-tohoku"] == []
