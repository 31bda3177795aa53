"""Check an .xlsx upload from its zip central directory before any XML is parsed (ASVS 5.2.3).

Only the central directory is read (a few kilobytes, well under a millisecond), so a zip bomb is
refused before it costs anything: the declared uncompressed size is also a hard bound on what
`zipfile` will later inflate, since it stops reading an entry at its declared size.
"""

from __future__ import annotations

import io
import zipfile
from typing import Protocol

from renkei.importing.problems import file_problem

ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: legacy .xls, or a password-protected workbook
_NESTED = (".zip", ".xlsx", ".xlsm", ".xls", ".docx", ".docm", ".pptx", ".jar", ".7z", ".rar", ".gz", ".cab")
_MACRO_TYPE = b"macroEnabled"


class ZipLimits(Protocol):
    """What the check reads of `renkei.importing.limits.Limits` (which reads Django's settings)."""

    @property
    def xlsx_max_entries(self) -> int: ...

    @property
    def xlsx_max_uncompressed_bytes(self) -> int: ...

    @property
    def xlsx_max_ratio(self) -> int: ...


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB"


def refuse_not_xlsx(data: bytes) -> None:
    """The file is named .xlsx: make sure it is a zip, and say what it is if not."""
    if data.startswith(ZIP_MAGIC):
        return
    if data.startswith(CFB_MAGIC):
        raise file_problem(
            "パスワードで保護（暗号化）されたブック、または古い Excel 形式（.xls）です。"
            "パスワードを外し、.xlsx 形式で保存し直してください。",
            "This is a password-protected (encrypted) workbook or an old Excel (.xls) file. Remove the "
            "password and save it again as .xlsx.",
            code="xlsx_encrypted",
        )
    head = data[:4096]
    looks_textual = bool(head) and (b"," in head or b"\t" in head or b"\n" in head) and b"\x00" not in head
    if looks_textual:
        raise file_problem(
            "拡張子は .xlsx ですが、中身は CSV（テキスト）です。"
            "拡張子を .csv に直してからアップロードしてください。",
            "The file is named .xlsx but contains CSV (text). Rename it to .csv and upload it again.",
            code="xlsx_is_csv",
        )
    raise file_problem(
        "Excel ブック（.xlsx）として読めません。ファイルが壊れているか、別の形式です。",
        "The file cannot be read as an Excel workbook (.xlsx): it is damaged or in another format.",
        code="xlsx_invalid",
    )


def check_xlsx(data: bytes, limits: ZipLimits) -> None:
    """Refuse zip bombs, too many entries, encryption, macros, nested archives and non-workbooks."""
    refuse_not_xlsx(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise file_problem(
            "Excel ブック（.xlsx）の構造が壊れています（zip として読めません）。",
            "The Excel workbook (.xlsx) is damaged: it cannot be read as a zip archive.",
            code="xlsx_invalid",
        ) from None
    if len(entries) > limits.xlsx_max_entries:
        raise file_problem(
            f"ブック内のファイル数が多すぎます（{len(entries):,}個、上限 {limits.xlsx_max_entries:,}個）。",
            f"The workbook holds too many parts ({len(entries):,}; "
            f"the limit is {limits.xlsx_max_entries:,}).",
            code="xlsx_entries",
        )
    total = sum(entry.file_size for entry in entries)
    if total > limits.xlsx_max_uncompressed_bytes:
        raise file_problem(
            f"展開後のサイズが大きすぎます（申告 {_mb(total)}、"
            f"上限 {_mb(limits.xlsx_max_uncompressed_bytes)}）。"
            "データを分割するか、CSV で保存してください。",
            f"The workbook is too large once unpacked (declared {_mb(total)}; the limit is "
            f"{_mb(limits.xlsx_max_uncompressed_bytes)}). Split the data or save it as CSV.",
            code="xlsx_size",
        )
    names = set()
    for entry in entries:
        name = entry.filename
        names.add(name)
        lowered = name.lower()
        if entry.flag_bits & 0x1:
            raise file_problem(
                "暗号化された部分を含むブックは受け付けません。パスワードを外して保存し直してください。",
                "Workbooks with encrypted parts are refused. Remove the password and save it again.",
                code="xlsx_encrypted",
            )
        if lowered.endswith("vbaproject.bin") or (lowered.endswith(".bin") and "vba" in lowered):
            raise file_problem(
                "マクロを含むブック（.xlsm）は受け付けません。マクロなしの .xlsx で保存してください。",
                "Workbooks with macros (.xlsm) are refused. Save it as a macro-free .xlsx.",
                code="xlsx_macro",
            )
        if lowered.endswith(_NESTED) or "/embeddings/" in lowered:
            raise file_problem(
                f"ブックの中に別のファイルが埋め込まれています（{name}）。埋め込みを削除してください。",
                f"The workbook contains an embedded file ({name}). "
                "Remove embedded objects and save it again.",
                code="xlsx_nested",
            )
        if name.startswith("/") or ".." in name.split("/"):
            raise file_problem(
                "ブック内のファイル名が不正です。",
                "The workbook contains an invalid part name.",
                code="xlsx_invalid",
            )
        if entry.compress_size and entry.file_size / entry.compress_size > limits.xlsx_max_ratio:
            raise file_problem(
                "圧縮率が異常に高い部分を含みます（zip 爆弾の疑い）。",
                "A part of the workbook has an abnormal compression ratio (a suspected zip bomb).",
                code="xlsx_ratio",
            )
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise file_problem(
            "Excel ブック（.xlsx）ではない zip ファイルです。",
            "This zip file is not an Excel workbook (.xlsx).",
            code="xlsx_invalid",
        )
    if _MACRO_TYPE in archive.read("[Content_Types].xml"):
        raise file_problem(
            "マクロ有効ブック（.xlsm）は受け付けません。マクロなしの .xlsx で保存してください。",
            "Macro-enabled workbooks (.xlsm) are refused. Save it as a macro-free .xlsx.",
            code="xlsx_macro",
        )
