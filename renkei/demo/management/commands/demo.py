"""`renkei demo`: migrate, load the demo data, make sure an admin exists, and serve, with a worker for
background jobs (`renkei worker`) beside the server: started as a child process that stops with it
(Ctrl-C, the end of the server, or even a kill of this process: the child asks Linux for a signal when
its parent dies)."""

import ctypes
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from renkei.accounts.services import user_create_superuser, user_set_password
from renkei.core.audit import Via, audit_context
from renkei.core.private_files import make_private, write_private

ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = "Set up the database, load the demo data and serve the portal (PORT, default 8000)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--no-serve", action="store_true", help="Prepare everything but do not serve.")
        parser.add_argument(
            "--no-worker", action="store_true", help="Serve without a worker for background jobs (imports)."
        )

    def handle(self, *args, **options) -> None:
        _keep_private()
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
        if password is not None:  # shown once, when it was made
            self.stdout.write(
                _("Admin: %(url)sadmin/   user '%(user)s'  password %(password)s")
                % {"url": url, "user": ADMIN_USERNAME, "password": password}
            )
        else:
            self.stdout.write(
                _("Admin: %(url)sadmin/   user '%(user)s'  (password in %(path)s)")
                % {"url": url, "user": ADMIN_USERNAME, "path": _password_path()}
            )
        self.stdout.write("")
        if not options["no_serve"]:
            with self._worker(enabled=not options["no_worker"]):
                call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)

    @contextmanager
    def _worker(self, *, enabled: bool) -> Iterator[None]:
        """Run `renkei worker` beside the server for as long as the block runs."""
        from django.conf import settings

        if not enabled or settings.TASKS_BACKEND == "immediate":
            yield
            return
        worker = subprocess.Popen(
            [sys.executable, "-m", "renkei", "worker"], preexec_fn=_die_with_parent_hook()
        )
        self.stdout.write(
            _("Background jobs: a worker runs beside the server (process %(pid)d).") % {"pid": worker.pid}
        )
        try:
            yield
        finally:
            # Ctrl-C reached the worker too (same terminal) and it lets its job finish; a second signal
            # stops the job now (its transaction is rolled back, and the job can be run again later).
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()

    def _ensure_admin(self) -> str | None:
        """Create the demo admin once; its password is kept in the data directory (0600), never reset.
        Returns the password when it was just made, else None."""
        path = _password_path()
        User = get_user_model()
        if User.objects.filter(username=ADMIN_USERNAME).exists() and path.exists():
            return None
        password = secrets.token_urlsafe(12)
        with audit_context(via=Via.COMMAND, label="demo admin"):
            user = User.objects.filter(username=ADMIN_USERNAME).first()
            if user is None:
                user_create_superuser(username=ADMIN_USERNAME, password=password, display_name="Demo admin")
            else:
                user_set_password(user=user, password=password)
        write_private(path, password)
        return password


def _password_path() -> Path:
    return settings.DATA_DIR / "admin_password"


def _keep_private() -> None:
    """The data directory 0700 and the SQLite files 0600, also when an older version made them readable."""
    make_private(settings.DATA_DIR, 0o700)
    name = settings.DATABASES["default"]["NAME"]
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite_backend"):
        for suffix in ("", "-wal", "-shm"):
            make_private(Path(f"{name}{suffix}"), 0o600)


def _die_with_parent_hook() -> Callable[[], None] | None:
    """A function for the worker child to run before it starts, so that Linux sends it SIGTERM when the
    demo process dies however it dies (libc is loaded here, in the parent, not after the fork)."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux: Ctrl-C and the normal end still stop the worker
        return None
    parent = os.getpid()

    def hook() -> None:
        prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the line above
            os._exit(1)

    return hook
