"""`renkei import`: dry run output, languages, exit status, encodings and the progress bar."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from support.import_files import ORG_HEADER, csv_bytes, org_row

from renkei.organisations.models import Organisation


def write(tmp_path: Path, data: bytes, name: str = "orgs.csv") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def call(*args: Any, **options: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_dry_run_prints_every_change_and_writes_nothing(db: None, tmp_path: Path) -> None:
    Organisation.objects.create(key="a-u", kind="university", name_ja="A大学", name_en="A")
    path = write(tmp_path, csv_bytes([ORG_HEADER, org_row("a-u", name_ja="A大学", name_en="A University"),
                                      org_row("b-u")]))  # fmt: skip
    out, _err = call("organisations", path, "--dry-run", lang="ja")
    assert "+ 3行目 作成 b-u: key='b-u', kind='university', name_ja='b-u大学'" in out
    assert "~ 2行目 更新 a-u: name_en: 'A' → 'A University'" in out
    assert "作成 1件、更新 1件、変更なし 0件" in out
    assert "ドライラン" in out
    assert not Organisation.objects.filter(key="b-u").exists()
    out, _err = call("organisations", path, "--dry-run", lang="en")
    assert "+ row 3 create b-u" in out
    assert "Dry run: nothing was written." in out


def test_commit_then_nothing_to_change(db: None, tmp_path: Path) -> None:
    path = write(tmp_path, csv_bytes([ORG_HEADER, org_row("b-u")]))
    out, _err = call("organisations", path, lang="en")
    assert "Written (in one transaction)." in out
    assert Organisation.objects.filter(key="b-u").exists()
    out, _err = call("organisations", path, lang="en")
    assert "0 to create, 0 to update, 1 unchanged" in out
    assert "Nothing to change." in out


@pytest.mark.parametrize(
    ("environ", "lang", "expected"),
    [({"LANGUAGE": "en_GB:en"}, None, "Row 2, column “kind”"), ({"LANG": "ja_JP.UTF-8"}, None, "2行目「kind」列"),
     ({"LANGUAGE": "en"}, "ja", "2行目「kind」列"), ({}, "en", "Row 2, column “kind”")],
)  # fmt: skip
def test_problems_are_printed_in_the_chosen_language_and_the_exit_status_is_non_zero(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], lang: str | None,
    expected: str,
) -> None:  # fmt: skip
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    path = write(tmp_path, csv_bytes([ORG_HEADER, org_row("b-u", kind="castle")]))
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import", "organisations", path, stdout=io.StringIO(), stderr=err, lang=lang)
    assert expected in err.getvalue()
    assert ("refused" in str(exc.value)) == ("Row" in expected)


def test_the_command_exits_with_status_1(db: None, tmp_path: Path) -> None:
    from django.core.management import ManagementUtility

    path = write(tmp_path, b"")
    utility = ManagementUtility(["renkei", "import", "organisations", path, "--lang", "en"])
    with pytest.raises(SystemExit) as exit_info:
        utility.execute()
    assert exit_info.value.code == 1


def test_stated_encoding(db: None, tmp_path: Path) -> None:
    data = csv_bytes([ORG_HEADER, org_row("e-u", name_ja="東北大学工学部")], encoding="euc_jp")
    path = write(tmp_path, data)
    with pytest.raises(CommandError):
        call("organisations", path, lang="en")
    call("organisations", path, "--encoding", "euc-jp")
    assert Organisation.objects.get(key="e-u").name_ja == "東北大学工学部"


def test_progress_bar_on_stderr(db: None, tmp_path: Path) -> None:
    path = write(tmp_path, csv_bytes([ORG_HEADER] + [org_row(f"o-{i}") for i in range(2500)]))
    _out, err = call("organisations", path, "--progress", lang="en")
    assert "\rchecking [" in err
    assert "100% 2,500/2,500" in err
    assert "\rwriting [" in err


def test_max_rows_option(db: None, tmp_path: Path) -> None:
    path = write(tmp_path, csv_bytes([ORG_HEADER] + [org_row(f"o-{i}") for i in range(11)]))
    with pytest.raises(CommandError):
        call("organisations", path, "--max-rows", "10", lang="en")
    call("organisations", path, "--max-rows", "11")


def test_unknown_importer_and_missing_file(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Unknown import"):
        call("castles", str(tmp_path / "x.csv"), lang="en")
    with pytest.raises(CommandError, match="File not found"):
        call("organisations", str(tmp_path / "x.csv"), lang="en")


def test_a_long_file_name_fits_the_audit_label(db: None, tmp_path: Path) -> None:
    path = write(tmp_path, csv_bytes([ORG_HEADER, org_row("long-u")]), name="long-file-name-" * 10 + ".csv")
    call("organisations", path)
    from renkei.core.models import AuditEntry

    assert len(AuditEntry.objects.latest("id").label) == 100


def test_auto_recognises_the_kind_of_file_from_its_header(db: None, tmp_path: Path) -> None:
    # given: an organisations file, named as nothing in particular, and a file whose header names no kind
    orgs = write(tmp_path, csv_bytes([ORG_HEADER, org_row("b-u")]), name="upload.csv")
    other = write(tmp_path, csv_bytes([["colour", "taste"], ["red", "sweet"]]), name="other.csv")
    # when: checked, then written
    dry_ja, _err = call("auto", orgs, "--dry-run", lang="ja")
    written_en, _err = call("auto", orgs, lang="en")
    # then: the command says what it recognised, and imports as the named importer would
    assert "ファイルの内容: 組織（organisations、見出しから判定）" in dry_ja
    assert "作成 1件、更新 0件、変更なし 0件" in dry_ja
    assert "The file contains: Organisations (organisations, recognised from its header)" in written_en
    assert Organisation.objects.filter(key="b-u").exists()
    # and: an unrecognisable header is refused, naming the importers, and nothing is written
    with pytest.raises(CommandError) as refused:
        call("auto", other, lang="en")
    assert "could not be recognised from its header" in str(refused.value)
    assert "organisations" in str(refused.value)
    assert Organisation.objects.count() == 1
