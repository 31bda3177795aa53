"""`renkei demo`: migrate, load the demo data, make sure an admin exists, and serve."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from renkei.accounts.services import user_create_superuser, user_set_password
from renkei.core.audit import Via, audit_context

ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = "Set up the database, load the demo data and serve the portal (PORT, default 8000)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--no-serve", action="store_true", help="Prepare everything but do not serve.")

    def handle(self, *args, **options) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(_("Database ready."))
        call_command("loaddemo", stdout=self.stdout)
        password = self._ensure_admin()
        port = options["port"]
        self.stdout.write("")
        url = f"http://127.0.0.1:{port}/"
        self.stdout.write(
            self.style.SUCCESS(_("Renkei portal: %(url)s   (English: %(url)sen/)") % {"url": url})
        )
        self.stdout.write(
            _("Admin: %(url)sadmin/   user '%(user)s'  password %(password)s")
            % {"url": url, "user": ADMIN_USERNAME, "password": password}
        )
        self.stdout.write("")
        if not options["no_serve"]:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)

    def _ensure_admin(self) -> str:
        """Create the demo admin once; its password is kept in the data directory, never reset."""
        from django.conf import settings

        path = settings.DATA_DIR / "admin_password"
        User = get_user_model()
        if User.objects.filter(username=ADMIN_USERNAME).exists() and path.exists():
            return path.read_text().strip()
        password = secrets.token_urlsafe(12)
        with audit_context(via=Via.COMMAND, label="demo admin"):
            user = User.objects.filter(username=ADMIN_USERNAME).first()
            if user is None:
                user_create_superuser(username=ADMIN_USERNAME, password=password, display_name="Demo admin")
            else:
                user_set_password(user=user, password=password)
        path.write_text(password)
        path.chmod(0o600)
        return password
