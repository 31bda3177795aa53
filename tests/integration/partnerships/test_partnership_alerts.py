"""Expiry alerts: at the configured lead times, with time controlled, never twice, not once renewed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation
from factories import AgreementFactory, UserFactory
from support.partnerships import signed_version

from renkei.partnerships import services
from renkei.partnerships.models import AgreementAlert

END = dt.date(2027, 3, 31)


@pytest.fixture
def version(owner_org, other_org, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    staff = UserFactory(username="io-staff", email="io@example.org")
    agreement = AgreementFactory(owner=owner_org, key="exchange", responsible_staff=staff)
    return signed_version(agreement, owner_org, other_org, until=END)


def _send(day: dt.date) -> list[str]:
    before = len(mail.outbox)
    call_command("send_alerts", f"--today={day.isoformat()}", stdout=io.StringIO())
    return [m.subject for m in mail.outbox[before:]]


def test_alerts_fire_at_each_lead_time_and_never_twice(version, settings) -> None:
    settings.RENKEI_SITE_URL = "https://renkei.example.org"
    assert _send(END - dt.timedelta(days=181)) == []
    first = _send(END - dt.timedelta(days=180))
    assert len(first) == 1
    assert "180" in first[0]
    assert mail.outbox[-1].to == ["io@example.org"]
    # the link is a whole address a mail reader can open
    assert (
        f"\nhttps://renkei.example.org/partnerships/agreements/{version.agreement.key}/\n"
        in mail.outbox[-1].body
    )
    assert _send(END - dt.timedelta(days=180)) == []  # the same day again: nothing
    assert _send(END - dt.timedelta(days=120)) == []  # between lead times: nothing
    assert len(_send(END - dt.timedelta(days=90))) == 1
    assert len(_send(END - dt.timedelta(days=30))) == 1
    assert _send(END - dt.timedelta(days=10)) == []
    assert sorted(AgreementAlert.objects.values_list("lead_days", flat=True)) == [30, 90, 180]
    version.refresh_from_db()
    assert version.status == "expiring"


def test_a_late_first_run_sends_one_alert_for_the_nearest_lead(version) -> None:
    sent = _send(END - dt.timedelta(days=20))
    assert len(sent) == 1
    assert "30" in sent[0]
    assert AgreementAlert.objects.count() == 3  # 180 and 90 are recorded as passed: never sent later
    assert _send(END - dt.timedelta(days=5)) == []


def test_no_alert_for_an_agreement_already_renewed(version) -> None:
    renewal = services.agreement_renew(
        version=version, actor=None, valid_from=END + dt.timedelta(days=1), valid_until=dt.date(2032, 3, 31)
    )
    for party in renewal.parties.all():
        party.signed_on = dt.date(2026, 6, 1)
        services.agreement_party_save(agreement_party=party, actor=None)
    for status in ("internal_review", "with_partner"):
        services.agreement_transition(version=renewal, status=status, actor=None)
    services.agreement_sign(version=renewal, actor=None, today=dt.date(2026, 6, 1))
    assert _send(END - dt.timedelta(days=90)) == []
    assert not AgreementAlert.objects.exists()


def test_lead_times_come_from_the_agreement_or_the_settings(version, settings) -> None:
    settings.RENKEI_AGREEMENT_ALERT_DAYS = (60,)
    assert _send(END - dt.timedelta(days=90)) == []
    assert len(_send(END - dt.timedelta(days=60))) == 1
    agreement = version.agreement
    agreement.alert_lead_days = [14]
    services.agreement_save(agreement=agreement, actor=None)
    assert len(_send(END - dt.timedelta(days=14))) == 1


def test_an_expired_version_gets_no_alert_and_is_marked_expired(version) -> None:
    assert _send(END + dt.timedelta(days=1)) == []
    version.refresh_from_db()
    assert version.status == "expired"


@pytest.mark.parametrize(
    ("language", "first", "second"),
    [
        ("ja", "exchange に送信：2027-03-31 の 180 日前", "期限通知 0 件を送信、0 件の通知時期を記録"),
        ("en", "Sent exchange: 180 days before 2027-03-31", "0 alerts sent, 0 lead times recorded"),
    ],
)
def test_the_command_reports_in_the_users_language(version, language, first, second) -> None:
    # given: the day of the 180-day lead time
    day = (END - dt.timedelta(days=180)).isoformat()
    outputs = []
    # when: run twice, as a scheduler might
    with translation.override(language):
        for _ in range(2):
            out = io.StringIO()
            call_command("send_alerts", f"--today={day}", stdout=out)
            outputs.append(out.getvalue().splitlines())
    # then: the first run names what it sent, the second sends nothing
    assert outputs[0][0] == first
    assert outputs[1] == [second]
