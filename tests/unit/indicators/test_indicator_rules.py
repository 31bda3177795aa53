"""The messages of the indicator rules read as sentences in both languages (no internal key in Japanese)."""

from __future__ import annotations

from renkei.indicators.rules import check_indicator, check_state_change


def test_a_skipped_verification_step_names_the_states_in_each_language() -> None:
    (broken,) = check_state_change(current="entered", new="published")
    assert broken.message.ja.endswith("（入力済→公開）。")
    assert "entered" not in broken.message.ja
    assert broken.message.en.endswith("(entered → published).")
    assert check_state_change(current="entered", new="checked") == []
    assert check_state_change(current="published", new="entered") == []


def test_a_computation_on_the_wrong_owner_says_which_owner_it_needs() -> None:
    def message(subject: str) -> str:
        (broken,) = check_indicator(
            computation="c", known={"c"}, subject=subject, owner_organisation=None, owner_network=None,
            baseline_value=None, baseline_fy=None,
        )  # fmt: skip
        return broken.message.en

    assert "records of a network:" in message("network")
    assert "records of an organisation:" in message("organisation")
