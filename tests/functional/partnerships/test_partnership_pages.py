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
