"""Partnership pages as a new user meets them in the demo: the joint degree figures, English text on
the English pages, and the renewal review's activities limited to the agreement's time in force."""

from __future__ import annotations

import re

import pytest


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(("prefix", "about"), [("", "約"), ("/en", "about")])
def test_the_joint_degree_figures_are_readable_numbers(client, demo_loaded, prefix, about) -> None:
    # when
    html = client.get(f"{prefix}/partnerships/joint-degrees/").content.decode()
    # then: the own funding is yen with separators (not 290000000), the counts as the source states
    figures = dict(re.findall(r'<dd data-metric="([a-z_]+)">([^<]*)</dd>', html))
    assert figures["funding_yen"] == f"{about} ¥290,000,000"
    assert figures["enrolment"] == "197"
    assert figures["graduates"] == "21"
    assert "290000000" not in html


def test_the_joint_degree_programs_keep_the_sources_order(client, demo_loaded) -> None:
    # when
    text = _text(client.get("/en/partnerships/joint-degrees/").content.decode())
    # then: spintronics (with Mainz, the first) comes first, as in 001
    places = [
        text.index(f"International Joint Graduate Program ({f})") for f in ("spintronics", "data science")
    ]
    assert places == sorted(places)


def test_the_english_partner_page_names_the_fund_call_in_english(client, demo_loaded) -> None:
    # when
    text = _text(client.get("/en/partnerships/utokyo-princeton/").content.decode())
    # then
    assert "Call 10: 10th call for joint research and education projects (sample)" in text
    assert "第10回" not in text


def test_the_english_agreement_page_gives_the_scope_in_english(client, demo_loaded) -> None:
    # when
    text = _text(client.get("/en/partnerships/agreements/sample-utokyo-ntu-exchange/").content.decode())
    # then: both versions' scope in English
    assert "Student exchange and staff mobility for teaching" in text
    assert "学生交流" not in text


def test_the_renewal_review_shows_what_happened_while_the_agreement_was_in_force(
    client, demo_loaded, superuser
) -> None:
    # given: the NTU agreement took effect on 2021-04-01; the 2019 conference was before it
    client.force_login(superuser)
    # when
    html = client.get("/en/partnerships/agreements/sample-utokyo-ntu-exchange/review/").content.decode()
    # then: only the conference series that recurs since FY2015 is listed, named as a series
    listed = re.search(r'<ul class="plain" id="review-activities">(.*?)</ul>', html, re.S)
    assert listed is not None
    items = [_text(li).strip() for li in re.findall(r"<li>(.*?)</li>", listed.group(1), re.S)]
    assert items == ["recurring since 2015 · Joint conference (alternating hosts)"]
    assert "Activities of the partnership since 2021-04-01" in _text(html)


def test_a_units_page_lists_the_partnerships_it_takes_part_in(client, demo_loaded) -> None:
    # when: the page of 農学生命科学研究科 (農)
    html = client.get("/organisations/utokyo.agr/").content.decode()
    section = re.search(r'<section aria-labelledby="unit-partnerships".*?</section>', html, re.S)
    # then: the five teams 003 puts it in, with the lead of the NTU team
    assert section is not None
    items = [_text(li).strip() for li in re.findall(r"<li>(.*?)</li>", section.group(0), re.S)]
    assert items == [
        "ソウル国立大学",
        "スイス連邦工科大学チューリッヒ校",
        "ストックホルム大学群",
        "国立台湾大学 主幹部局",
        "チリ・メキシコ大学群",
    ]
