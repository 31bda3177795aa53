from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from renkei.core.loading import SeedRejected
from renkei.demo.loader import load_demo
from renkei.formats import bundle


class Command(BaseCommand):
    help = (
        "Load the demo data of the four source networks (idempotent: a second run writes nothing; "
        "rows people changed are kept)."
    )

    def handle(self, *args, **options) -> None:
        try:
            report = load_demo()
        except SeedRejected as error:
            raise CommandError(error.message.text()) from error
        for line in report.lines():
            self.stdout.write(f"  {line}")
        if report.writes:
            self.stdout.write(
                self.style.SUCCESS(_("Demo data loaded: %(n)d rows written.") % {"n": report.writes})
            )
        else:
            self.stdout.write(self.style.SUCCESS(_("Demo data already up to date: nothing written.")))
        if kept := sum(report.kept.values()):
            self.stdout.write(
                _("Kept %(n)d rows that people changed since the demo data was loaded (not overwritten).")
                % {"n": kept}
            )
        manifest = bundle.build()  # the open-data bundle of what was just loaded
        self.stdout.write(
            _("Open-data bundle made: %(files)d files, %(rows)d rows.")
            % {"files": len(manifest["files"]), "rows": sum(f["rows"] for f in manifest["files"])}
        )
