"""Text files: the encoding ladder.

1. A byte-order mark decides: UTF-8 BOM → UTF-8; UTF-16 BOM → UTF-16 (Excel's "Unicode text" saves
   that way, and the BOM is an explicit statement of the encoding). UTF-32 is refused.
2. NUL bytes without a BOM are refused: the file is UTF-16 without a BOM, or not text at all.
3. Strict UTF-8.
4. Strict CP932 (Windows' Shift_JIS, which Excel writes). Never the `shift_jis` codec: it fails on
   髙, ① and other characters every Japanese office uses. Bytes that Python's cp932 maps to C1 controls
   or to the private use area (undefined bytes, user-defined 外字) count as a failure. If the same bytes are also valid EUC-JP and
   read as CP932 they contain half-width katakana (what EUC-JP kanji look like through CP932), the
   file is ambiguous and refused.
5. Otherwise refused, asking the user to state the encoding (which is then used strictly).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass

from renkei.importing.problems import file_problem

# What a user may state; aliases of Shift_JIS all mean CP932.
ENCODINGS: dict[str, str] = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-8-sig": "utf-8",
    "cp932": "cp932",
    "ms932": "cp932",
    "windows-31j": "cp932",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "s-jis": "cp932",
    "euc-jp": "euc_jp",
    "euc_jp": "euc_jp",
    "eucjp": "euc_jp",
    "utf-16": "utf-16",
    "utf16": "utf-16",
}
ENCODING_CHOICES: tuple[tuple[str, str], ...] = (
    ("utf-8", "UTF-8"),
    ("cp932", "Shift_JIS (CP932, Excel)"),
    ("euc_jp", "EUC-JP"),
    ("utf-16", "UTF-16"),
)
_HALF_WIDTH_KANA = re.compile("[\uff61-\uff9f]")
# what Python's cp932 codec maps undefined bytes (0x80, 0xA0, 0xFD-0xFF) and user-defined characters
# (外字, lead bytes 0xF0-0xF9) to: not text anyone can read elsewhere, so not a successful decoding
_NOT_CP932_TEXT = re.compile("[\x80-\x9f\ue000-\uf8ff]")
_ASK = (
    "文字コードを指定してください（UTF-8、Shift_JIS（CP932）、EUC-JP、UTF-16）。",
    "Please state the file's encoding (UTF-8, Shift_JIS (CP932), EUC-JP or UTF-16).",
)


@dataclass(frozen=True, slots=True)
class Decoded:
    """The text, the encoding to report, and how to decode the same text again piece by piece:
    `data[skip:]` through `codec`, less its first `dropped` characters (byte-order marks)."""

    text: str
    encoding: str
    codec: str = ""
    skip: int = 0
    dropped: int = 0

    def chunks(self, data: bytes, size: int = 1 << 20) -> Iterator[str]:
        """`text` again in pieces, decoded from `data` as it was, never all at once."""
        decoder = codecs.getincrementaldecoder(self.codec)("strict")
        view, drop = memoryview(data), self.dropped
        for start in range(self.skip, len(data) + 1, size):
            piece = decoder.decode(view[start : start + size], final=start + size >= len(data))
            if drop:
                piece, drop = piece[drop:], max(0, drop - len(piece))
            if piece:
                yield piece


def _line(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def _strict(data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = _line(data, exc.start)
        raise file_problem(
            f"{label} として読めないバイトがあります（{line}行目付近）。文字コードの指定を確認してください。",
            f"Bytes that are not valid {label} were found (near line {line}). Check the stated encoding.",
            code="encoding",
        ) from None


def _refuse_nul(text: str) -> None:
    if "\x00" in text:
        raise file_problem(
            "ファイルにNUL文字が含まれています。テキスト（CSV）ファイルではないか、BOMのないUTF-16です。"
            "UTF-8のCSVとして保存し直してください。",
            "The file contains NUL characters: it is not a text (CSV) file, or it is UTF-16 without a "
            "byte-order mark. Save it again as a UTF-8 CSV.",
            code="nul",
        )


def normalise_encoding(name: str) -> str:
    codec = ENCODINGS.get(name.strip().lower().replace(" ", ""))
    if codec is None:
        raise file_problem(
            f"対応していない文字コードです: {name}。"
            "UTF-8、CP932、EUC-JP、UTF-16 のいずれかを指定してください。",
            f"Unsupported encoding: {name}. State one of UTF-8, CP932, EUC-JP or UTF-16.",
            code="encoding",
        )
    return codec


def decode(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode a text file by the ladder above, or strictly with the encoding the user stated."""
    if encoding:
        codec = normalise_encoding(encoding)
        skip = len(codecs.BOM_UTF8) if codec == "utf-8" and data.startswith(codecs.BOM_UTF8) else 0
        if codec == "utf-16" and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            codec = "utf-16-le"  # no BOM: Windows writes little-endian
        text = _strict(data[skip:] if skip else data, codec, codec.upper())
        _refuse_nul(text)
        stripped = text.removeprefix("\ufeff")
        return Decoded(stripped, codec, codec, skip, len(text) - len(stripped))

    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise file_problem(
            "UTF-32 のファイルには対応していません。UTF-8 の CSV として保存し直してください。",
            "UTF-32 files are not supported. Save the file again as a UTF-8 CSV.",
            code="encoding",
        )
    if data.startswith(codecs.BOM_UTF8):
        text = _strict(data[len(codecs.BOM_UTF8) :], "utf-8", "UTF-8")
        _refuse_nul(text)
        return Decoded(text, "utf-8-sig", "utf-8", len(codecs.BOM_UTF8))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _strict(data, "utf-16", "UTF-16")
        _refuse_nul(text)
        return Decoded(text, "utf-16", "utf-16")
    if b"\x00" in data:
        _refuse_nul("\x00")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", "utf-8")
    except UnicodeDecodeError as exc:
        utf8_line = _line(data, exc.start)
    try:
        text = data.decode("cp932")
        if odd := _NOT_CP932_TEXT.search(text):
            raise UnicodeDecodeError("cp932", data, odd.start(), odd.start() + 1, "undefined or user-defined")
    except UnicodeDecodeError:
        raise file_problem(
            f"文字コードを判定できません（UTF-8 としては{utf8_line}行目付近で読めず、Shift_JIS（CP932）"
            f"としても読めません）。{_ASK[0]}",
            f"The encoding could not be determined (not UTF-8 near line {utf8_line}, and not Shift_JIS "
            f"(CP932) either). {_ASK[1]}",
            code="encoding",
        ) from None
    if _HALF_WIDTH_KANA.search(text):
        try:
            data.decode("euc_jp")
        except UnicodeDecodeError:
            pass
        else:
            raise file_problem(
                f"Shift_JIS（CP932）とEUC-JPのどちらとしても読めるため、文字コードを判定できません。{_ASK[0]}",
                "The file reads both as Shift_JIS (CP932) and as EUC-JP, so its encoding is ambiguous. "
                f"{_ASK[1]}",
                code="encoding",
            )
    return Decoded(text, "cp932", "cp932")
