from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from renkei.demo.loader import load_demo


class Command(BaseCommand):
    help = "Load the demo data of the four source networks (idempotent: a second run writes nothing)."

    def handle(self, *args, **options) -> None:
        report = load_demo()
        for line in report.lines():
            self.stdout.write(f"  {line}")
        if report.writes:
            self.stdout.write(
                self.style.SUCCESS(_("Demo data loaded: %(n)d rows written.") % {"n": report.writes})
            )
        else:
            self.stdout.write(self.style.SUCCESS(_("Demo data already up to date: nothing written.")))
