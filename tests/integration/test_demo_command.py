"""`renkei demo`: the admin password is shown once, when made; the data stays readable by its owner only."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from renkei.core.private_files import ensure_private_dir, make_private, write_private


def run_demo() -> str:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    return out.getvalue()


def test_the_password_is_printed_when_made_and_never_again(demo_loaded, settings, tmp_path):
    # given: a fresh data directory
    settings.DATA_DIR = tmp_path
    # when: the first start makes the admin
    first = run_demo()
    # then: its password is shown once and kept in a file only its owner reads
    kept = tmp_path / "admin_password"
    password = kept.read_text()
    assert password in first
    assert kept.stat().st_mode & 0o777 == 0o600
    assert get_user_model().objects.get(username="admin").check_password(password)
    # when: the next start
    second = run_demo()
    # then: the password is not shown; where it is kept is
    assert password not in second
    assert f"パスワードは {kept} に保存されています" in second
    assert get_user_model().objects.get(username="admin").check_password(password)


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the SQLite file of the embedded demo")
def test_the_demo_makes_an_older_readable_data_directory_private(tmp_path):
    # given: what an earlier version left: a 0755 directory, a 0644 database and a 0644 secret key
    data = tmp_path / "var"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    sqlite3.connect(data / "renkei.sqlite3").close()
    (data / "renkei.sqlite3").chmod(0o644)
    (data / "secret_key").write_text("an-old-key-" * 5)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    # when
    result = subprocess.run(
        [sys.executable, "-m", "renkei", "demo", "--no-serve"],
        env={**env, "RENKEI_DATA_DIR": str(data)}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    # then
    assert result.returncode == 0, result.stderr[-3000:]
    assert data.stat().st_mode & 0o777 == 0o700
    assert (data / "renkei.sqlite3").stat().st_mode & 0o777 == 0o600
    assert (data / "admin_password").stat().st_mode & 0o777 == 0o600
    assert (data / "admin_password").read_text() in result.stdout


def test_private_files(tmp_path):
    created = ensure_private_dir(tmp_path / "a" / "b")
    assert created.stat().st_mode & 0o777 == 0o700
    loose = tmp_path / "loose"
    loose.write_text("x")
    loose.chmod(0o664)
    assert make_private(loose, 0o600) is True
    assert loose.stat().st_mode & 0o777 == 0o600
    assert make_private(loose, 0o600) is False
    assert make_private(tmp_path / "absent", 0o600) is False
    secret = tmp_path / "secret"
    secret.write_text("old")
    secret.chmod(0o644)
    write_private(secret, "new")
    assert secret.read_text() == "new"
    assert secret.stat().st_mode & 0o777 == 0o600


def test_settings_create_a_missing_data_directory_private(tmp_path):
    data = tmp_path / "fresh" / "var"
    code = "import renkei.settings"
    subprocess.run([sys.executable, "-c", code], env={**os.environ, "RENKEI_DATA_DIR": str(data)}, check=True)
    assert data.stat().st_mode & 0o777 == 0o700
    assert (data / "secret_key").stat().st_mode & 0o777 == 0o600
    assert Path(data / "static").is_dir()
