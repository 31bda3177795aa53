"""The SQLite writers drill: concurrent imports and admin saves on one file database, counting errors.

Run it as a script against an empty data directory (it migrates a fresh file database there):

    RENKEI_DATA_DIR=$(mktemp -d) .venv/bin/python tests/functional/drills/sqlite_writers.py --writers 16 --rows 3000

``--writers`` threads each import their own CSV file of ``--rows`` organisations through
``renkei import organisations FILE`` (the command a person runs), while as many threads sign in to the
admin and save an organisation's change form over and over, as a browser would (GET the form, POST it
back with one field changed), until the imports are done. Every thread has its own database connection,
so SQLite sees as many concurrent writers as a server and a few terminals would give it.

An error is any import that does not end with its success message, and any admin save that does not
redirect as a successful save does (a 500, a 503 "try again later" or a form shown again). The last line
of the output is a JSON report; the exit status is 1 when there was any error or when the stored rows
are not exactly what the successful writers wrote.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import os
import re
import sys
import threading
import time
import traceback
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

HEADER = ["key", "kind", "name_ja", "name_en", "parent", "prefecture", "latitude", "longitude"]


class FormFields(HTMLParser):
    """The name → value pairs a browser would submit from the form with this id."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._done = False
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self._done and a.get("id") == self.form_id:
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind in {"submit", "button", "image", "file"}:
                return
            self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._select_value = name, None
        elif tag == "option" and self._select is not None and ("selected" in a):
            self._select_value = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True
        elif tag == "select" and self._select is not None:
            if self._select_value is not None:
                self.fields.append((self._select, self._select_value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)


def _problems(response: Any) -> str:
    """What a page says went wrong: the form's error lists, else the start of the body."""
    body = response.content.decode(errors="replace")
    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', body, flags=re.S)
    return " | ".join(re.sub(r"<[^>]+>", " ", e).strip() for e in errors) or body[:600]


class _WaitCounter(logging.Handler):
    """Counts the backend's "waited for the write lock, trying again" records: proof of contention."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.retries = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("Waited"):
            self.retries += 1


def write_files(directory: Path, writers: int, rows: int) -> list[Path]:
    paths = []
    for w in range(writers):
        buffer = io.StringIO()
        out = csv.writer(buffer, lineterminator="\r\n")
        out.writerow(HEADER)
        for r in range(rows):
            out.writerow(
                [f"drill-{w}-{r}", "university", f"演習{w}の{r}大学", f"Drill {w}/{r}", "", "", "", ""]
            )
        path = directory / f"drill-{w}.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        paths.append(path)
    return paths


def prepare(writers: int) -> list[int]:
    from django.core.management import call_command

    from renkei.accounts.services import user_create_superuser
    from renkei.core.audit import Via, audit_context
    from renkei.organisations.models import Organisation
    from renkei.organisations.services import organisation_save

    call_command("migrate", interactive=False, verbosity=0)
    with audit_context(via=Via.COMMAND, label="drill"):
        user_create_superuser(username="drill", password="drill-password-1234")
        return [
            organisation_save(
                organisation=Organisation(key=f"drill-base-{i}", kind="university", name_ja=f"基{i}大学"),
                actor=None,
            ).pk
            for i in range(writers)
        ]


def run(writers: int, rows: int, min_saves: int, directory: Path) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    waits = _WaitCounter()
    logging.getLogger("renkei.db").addHandler(waits)
    base = prepare(writers)
    paths = write_files(directory, writers, rows)
    lock = threading.Lock()
    report: dict[str, Any] = {"imports": {"ok": 0, "errors": []}, "saves": {"ok": 0, "errors": []}}
    start = threading.Barrier(2 * writers)
    importing = [writers]

    def record(kind: str, error: str | None) -> None:
        with lock:
            if error is None:
                report[kind]["ok"] += 1
            else:
                report[kind]["errors"].append(error[-2000:])

    def importer(path: Path) -> None:
        out, err = io.StringIO(), io.StringIO()
        try:
            start.wait(timeout=120)
            call_command("import", "organisations", str(path), "--lang", "en", stdout=out, stderr=err)
            ok = "Written (in one transaction)." in out.getvalue()
            record("imports", None if ok else f"{path.name}: {out.getvalue()} {err.getvalue()}")
        except BaseException:
            record("imports", f"{path.name}: {traceback.format_exc()}")
        finally:
            connections.close_all()
            with lock:
                importing[0] -= 1

    def saver(index: int, pk: int) -> None:
        client = Client(SERVER_NAME="localhost")
        url = f"/admin/organisations/organisation/{pk}/change/"
        try:  # the admin's login form, as a person signs in
            login = {"username": "drill", "password": "drill-password-1234", "next": url}
            signed_in = client.post("/admin/login/", login).status_code == 302
        except BaseException:
            signed_in = False
            record("saves", f"login: {traceback.format_exc()}")
        finally:
            connections.close_all()
        try:
            start.wait(timeout=120)
        except threading.BrokenBarrierError:
            signed_in = False
        if not signed_in:
            record("saves", "not signed in")
            return
        done = 0
        while done < min_saves or importing[0] > 0:
            done += 1
            try:
                page = client.get(url)
                if page.status_code != 200:
                    record("saves", f"GET {url}: {page.status_code}")
                    continue
                form = FormFields("organisation_form")
                form.feed(page.content.decode())
                data: dict[str, Any] = {}
                for name, value in form.fields:
                    data.setdefault(name, []).append(value)
                data["name_en"] = [f"Base {index} saved {done}"]
                data["_continue"] = ["1"]
                response = client.post(url, data)
                if response.status_code == 302:
                    record("saves", None)
                else:
                    record("saves", f"POST {url}: {response.status_code} {_problems(response)}")
            except BaseException:
                record("saves", f"POST {url}: {traceback.format_exc()}")
            finally:
                connections.close_all()

    threads = [threading.Thread(target=importer, args=(p,)) for p in paths]
    threads += [threading.Thread(target=saver, args=(i, pk)) for i, pk in enumerate(base)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report["seconds"] = round(time.perf_counter() - began, 1)
    report["lock_retries"] = waits.retries
    report["stored"] = stored_rows(writers, rows, report)
    return report


def stored_rows(writers: int, rows: int, report: dict[str, Any]) -> dict[str, Any]:
    """Each import is all or nothing: every file's rows are there whole, or none of them."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    from renkei.organisations.models import Organisation

    per_file = {
        row["prefix"]: row["n"]
        for row in Organisation.objects.filter(key__startswith="drill-")
        .exclude(key__startswith="drill-base-")
        .annotate(prefix=Substr("key", 1, 8))
        .values("prefix")
        .annotate(n=Count("pk"))
    }
    total = sum(per_file.values())
    whole = total == report["imports"]["ok"] * rows and all(n % rows == 0 for n in per_file.values())
    return {"organisations": total, "whole_files": whole}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--min-saves", type=int, default=3, help="Admin saves per thread at least.")
    args = parser.parse_args()
    data_dir = os.environ.get("RENKEI_DATA_DIR")
    if not data_dir or os.environ.get("DATABASE_URL"):
        sys.stderr.write("Set RENKEI_DATA_DIR to an empty directory and unset DATABASE_URL.\n")
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.settings")
    import django

    django.setup()
    report = run(args.writers, args.rows, args.min_saves, Path(data_dir))
    sys.stdout.write(json.dumps(report, ensure_ascii=False) + "\n")
    failed = report["imports"]["errors"] or report["saves"]["errors"] or not report["stored"]["whole_files"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
