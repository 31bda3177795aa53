"""Memory of web imports: the web server and the worker, for large uploads (issue 9, item 6).

    .venv/bin/python -m bench.import_memory --mb 200 --accepted-mb 49

On a fresh SQLite database in a temporary data directory, with `renkei runserver` and `renkei worker`
as real processes:

* before (the old design, where the web process planned each upload in a thread of its own): the
  planning of one upload of `--mb` MB, and of three uploads of `--accepted-mb` MB at once, in threads of
  one process, as the old `preview_job` did it; peak RSS of that process;
* after: the web server receives the `--mb` MB upload (refused above the upload limit, before it is
  parsed) and three uploads of `--accepted-mb` MB at once (stored, queued): peak RSS of the server
  (VmHWM); then `renkei worker --burst` runs the three previews, one after the other: its peak RSS.

The files are new organisation units (key, kind, names, parent) with a Japanese note as long as it takes
to reach the size in at most 190,000 rows (the importer refuses more than 200,000), made here.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import io
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, BinaryIO

from bench.harness import ROOT, markdown, say

RENKEI = [sys.executable, "-m", "renkei"]
NOTE = "山形県内の企業と大学が連携して地域の人材育成に取り組むための講座の説明です。"
MAX_ROWS = 190_000  # below the importer's 200,000-row limit, so that even the largest file is planned


def write_csv(path: Path, megabytes: float) -> int:
    """About `megabytes` of CSV: as many rows as the row limit allows, each note as long as it takes."""
    target = int(megabytes * 1024 * 1024)
    rows = min(MAX_ROWS, target // 600)
    note = (NOTE * (1 + target // rows // len(NOTE.encode())))[: max(1, (target // rows - 70) // 3)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("key,kind,name_ja,name_en,parent,note_ja\r\n")
        for n in range(rows):
            handle.write(f"bench-u.u{n:06d},centre,センター{n},Centre {n},bench-u,{note}\r\n")
    return rows


def renkei(env: dict[str, str], *args: str) -> None:
    subprocess.run([*RENKEI, *args], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


SETUP = """
from renkei.accounts.models import User
from renkei.core.audit import Via, audit_context
from renkei.organisations.models import Organisation
with audit_context(via=Via.COMMAND, label="bench"):
    Organisation.objects.create(key="bench-u", kind="university", name_ja="ベンチ大学", name_en="Bench University")
    User.objects.create_superuser("bench", "", "bench-password-123")
"""

BEFORE = """
import resource, sys, threading
from renkei.accounts.models import User
from renkei.importing import plan_import
from renkei.importing.problems import ImportRejected
from renkei.importing.spec import get_importer
user = User.objects.get(username="bench")
files = sys.argv[1:]
def preview(path):  # what the old preview_job did in its thread: read the upload, plan it as the user
    try:
        plan = plan_import(get_importer("organisations"), open(path, "rb").read(), filename="units.csv", user=user)
        print("planned:", plan.counts, file=sys.stderr)
    except ImportRejected as exc:
        print("refused:", exc.problems.summary("en"), file=sys.stderr)
threads = [threading.Thread(target=preview, args=(f,)) for f in files]
[t.start() for t in threads]
[t.join() for t in threads]
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def before(env: dict[str, str], files: list[Path]) -> int:
    command = [*RENKEI, "shell", "-c", BEFORE.replace("sys.argv[1:]", repr([str(f) for f in files]))]
    output = subprocess.run(command, env=env, check=True, cwd=ROOT, capture_output=True, text=True)
    say(output.stderr.strip())
    return int(output.stdout.strip().splitlines()[-1])


class Body(io.RawIOBase):
    """A multipart body read from the file as it is sent (the client holds no copy)."""

    def __init__(self, parts: list[bytes | Path]) -> None:
        self.parts = list(parts)
        self.current: BinaryIO | None = None
        self.length = sum(p.stat().st_size if isinstance(p, Path) else len(p) for p in parts)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            if self.current is None:
                if not self.parts:
                    return 0
                part = self.parts.pop(0)
                self.current = part.open("rb") if isinstance(part, Path) else io.BytesIO(part)
            data = self.current.read(len(buffer))
            if data:
                buffer[: len(data)] = data
                return len(data)
            self.current.close()
            self.current = None


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        # an accepted upload answers 302 (to its job page), a refused one the form again: keep them apart
        self.plain = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def csrf(self, path: str) -> str:
        html = self.opener.open(self.base + path).read().decode()
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]

    def login(self) -> None:
        token = self.csrf("/admin/login/")
        data = f"csrfmiddlewaretoken={token}&username=bench&password=bench-password-123&next=/".encode()
        self.opener.open(urllib.request.Request(self.base + "/admin/login/", data=data))

    def upload(self, path: Path) -> tuple[int, float]:
        token = self.csrf("/import/")
        boundary = "renkeibench"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="importer"\r\n\r\norganisations\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        body = Body([head, path, f"\r\n--{boundary}--\r\n".encode()])
        request = urllib.request.Request(
            self.base + "/import/", data=io.BufferedReader(body, 1024 * 1024),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(body.length),
                     "Referer": self.base + "/import/"},
        )  # fmt: skip
        started = time.perf_counter()
        try:
            status = self.plain.open(request).status
        except urllib.error.HTTPError as exc:
            status = exc.code
        return status, time.perf_counter() - started


def vm_hwm_mb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) // 1024  # type: ignore[union-attr]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mb", type=float, default=200)
    parser.add_argument("--accepted-mb", type=float, default=49)
    parser.add_argument("--skip-before", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="renkei-import-memory-"))
    env = {**os.environ, "RENKEI_DATA_DIR": str(work / "data"), "RENKEI_TASKS_BACKEND": "database"}
    env.pop("DATABASE_URL", None)
    try:
        big, accepted = work / "big.csv", [work / f"accepted-{n}.csv" for n in range(3)]
        say(f"writing {args.mb:.0f} MB and 3 × {args.accepted_mb:.0f} MB of CSV")
        big_rows = write_csv(big, args.mb)
        accepted_rows = write_csv(accepted[0], args.accepted_mb)
        for copy in accepted[1:]:
            shutil.copy(accepted[0], copy)
        renkei(env, "migrate", "-v0")
        renkei(env, "shell", "-c", SETUP)
        rows: list[list[Any]] = []
        if not args.skip_before:
            say("before: the old in-process preview of one big upload")
            rows.append(["before", f"1 × {args.mb:.0f} MB ({big_rows:,} rows), planned in the web process",
                         f"{before(env, [big]):,}", "-"])  # fmt: skip
            say("before: three accepted-size uploads at once, in threads of one process")
            rows.append(["before", f"3 × {args.accepted_mb:.0f} MB at once, planned in the web process",
                         f"{before(env, accepted):,}", "-"])  # fmt: skip

        port = free_port()
        server = subprocess.Popen(
            [*RENKEI, "runserver", f"127.0.0.1:{port}", "--noreload"], env=env, cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    urllib.request.urlopen(base + "/admin/login/")
                    break
                except OSError:
                    time.sleep(0.1)
            browser = Browser(base)
            browser.login()
            baseline = vm_hwm_mb(server.pid)
            say("after: the big upload to the web page")
            status, seconds = browser.upload(big)
            rows.append(["after", f"1 × {args.mb:.0f} MB to the web page: HTTP {status} (413 = refused) in {seconds:.1f} s",
                         "-", f"{vm_hwm_mb(server.pid):,} (idle {baseline:,})"])  # fmt: skip
            say("after: three accepted uploads at once")
            results: list[tuple[int, float]] = []
            threads = [
                threading.Thread(target=lambda p=p: results.append(browser.upload(p))) for p in accepted
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            statuses = ", ".join(str(s) for s, _ in results)
            web_peak = vm_hwm_mb(server.pid)
        finally:
            server.terminate()
            server.wait()
        say("after: the worker runs the three previews")
        worker = subprocess.Popen(
            [*RENKEI, "worker", "--burst", "-v0"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL
        )
        _pid, _status, usage = os.wait4(worker.pid, 0)
        rows.append(["after", f"3 × {args.accepted_mb:.0f} MB ({accepted_rows:,} rows each) at once: HTTP "
                     f"{statuses} (302 = accepted); the worker previews them one after the other",
                     f"{usage.ru_maxrss // 1024:,} (worker)", f"{web_peak:,}"])  # fmt: skip
        print(
            markdown(
                ["", "upload", "peak RSS of the process doing the work, MB", "web server peak RSS, MB"], rows
            )
        )
        print(f"\nmachine load (1 min) at the end: {os.getloadavg()[0]:.1f}; ru_maxrss of this script: "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
