"""The staff dashboard after `renkei send_alerts`: the alerts e-mailed apart from the lead times that
had already passed on a first run (recorded so that they are never sent later, but not e-mailed)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from factories import AgreementFactory, UserFactory
from support.partnerships import signed_version

END = dt.date(2027, 3, 31)


@pytest.fixture
def signed(owner_org, other_org, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    staff = UserFactory(username="io-staff", email="io@example.org")
    agreement = AgreementFactory(owner=owner_org, key="exchange", responsible_staff=staff)
    return signed_version(agreement, owner_org, other_org, until=END)


def test_the_dashboard_tells_sent_alerts_from_lead_times_passed_unsent(signed, client, owner) -> None:
    # given: a first run 20 days before the end: the 30-day alert is e-mailed, 180 and 90 only recorded
    call_command("send_alerts", f"--today={END - dt.timedelta(days=20)}", stdout=io.StringIO())
    client.force_login(owner)
    # when
    html = client.get("/en/partnerships/staff/").content.decode()
    # then: the renewal row names the one alert sent; the list marks the two that were not e-mailed
    renewals = re.search(r'<table class="data" id="renewals">.*?</table>', html, re.S)
    assert renewals is not None
    assert "<td>30</td>" in renewals.group(0)
    alerts = re.search(r'<ul class="plain" id="alerts">(.*?)</ul>', html, re.S)
    assert alerts is not None
    listed = re.findall(r"<li>(.*?)</li>", alerts.group(1), re.S)
    assert len(listed) == 3
    assert sum("→ io@example.org" in li for li in listed) == 1
    assert sum("recorded, not e-mailed" in li for li in listed) == 2
