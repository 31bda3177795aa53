"""`renkei send_alerts [--today YYYY-MM-DD]`: send the agreement expiry alerts due today, once each.

A scheduler runs it daily. It moves agreement versions along with the calendar (in effect, expiring,
expired) and e-mails the responsible staff (or the owner's editors) when a lead time is reached; every
alert sent is recorded, so running it twice, or late, sends nothing twice, and an agreement already
renewed or amended gets none (`renkei.partnerships.services.agreement_alerts_send`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from renkei.core.audit import Via, audit_context
from renkei.partnerships.services import agreement_alerts_send


class Command(BaseCommand):
    help = "Send the agreement expiry alerts due today (idempotent; run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="the date to act as (tests)",
        )

    def handle(self, *args: Any, today: dt.date | None, **options: Any) -> None:
        with audit_context(via=Via.COMMAND, label="send_alerts"):
            report = agreement_alerts_send(today=today)
        for key, lead, until in report.sent:
            self.stdout.write(
                _("Sent %(key)s: %(lead)d days before %(until)s")
                % {"key": key, "lead": lead, "until": f"{until:%Y-%m-%d}"}
            )
        self.stdout.write(
            _("%(sent)d alerts sent, %(recorded)d lead times recorded")
            % {"sent": len(report.sent), "recorded": report.recorded}
        )
