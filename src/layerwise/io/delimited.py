"""Delimited text tables (CSV, TSV), read with the standard library: delimiter, encoding, missing values, types.

No extra is needed: a plain install reads CSV. The rules, the same for every file:

- the delimiter is sniffed among ``,`` ``;`` and tab (the one that splits the first lines into the same
  number of fields, the most of them) unless given; ``.tsv`` files are tab-separated;
- the text is UTF-8, with or without a byte-order mark (UTF-16 when its mark says so), unless an
  encoding is given; a byte that does
  not decode is named with the file's line;
- a field that is empty or one of pandas' default missing markers (``NA``, ``N/A``, ``NaN``, ``null``,
  ``None``, ...) is missing; surrounding spaces are dropped from every field;
- a column whose present values are all numbers holds numbers (in a ``;``-separated file, written
  with a decimal comma too, ``1,5``, when no value has a point): int64 when all are whole and none is
  missing, float64 otherwise (NaN where missing); ``true``/``false`` columns hold booleans (a bool array,
  or an object array of True/False/None when some are missing); any other column holds text (an object
  array of ``str``, None where missing).
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
from collections.abc import Sequence
from typing import Any

import numpy as np

DELIMITERS = (",", ";", "\t")
SEP_NAMES = {"comma": ",", "semicolon": ";", "tab": "\t", "\\t": "\t", "pipe": "|", "space": " "}
# pandas' default na_values, so that a table reads the same here as in pandas.read_csv
MISSING = frozenset(
    "|#N/A|#N/A N/A|#NA|-1.#IND|-1.#QNAN|-NaN|-nan|1.#IND|1.#QNAN|<NA>|N/A|NA|NULL|NaN|None|n/a|nan|null".split("|")
)
TRUE, FALSE = frozenset({"true", "True", "TRUE"}), frozenset({"false", "False", "FALSE"})


def sep_name(sep: str) -> str:
    """How a delimiter is shown in messages: 'comma', 'semicolon', 'tab', or the character itself."""
    return {",": "comma", ";": "semicolon", "\t": "tab"}.get(sep, repr(sep))


def decode(path: str, data: bytes, encoding: str | None = None) -> str:
    """A file's bytes -> its text; UTF-8 (a byte-order mark dropped) unless ``encoding`` names another."""
    if encoding is None and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # Excel's "Unicode text": its byte-order mark says so
    try:
        name = codecs.lookup(encoding).name if encoding else "utf-8"
        if not codecs.lookup(name)._is_text_encoding:  # rot13, hex, zlib: codecs, but not text encodings
            raise LookupError(name)
    except LookupError:
        raise ValueError(f"{path}: {encoding!r} is not a text encoding; try utf-8, latin-1, cp1252 or utf-16") from None
    if name == "utf-8" and data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode(name)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        remedy = (
            "pass the file's encoding, e.g. --encoding latin-1 or cp1252 (encoding='latin-1' in Python)"
            if encoding is None
            else f"it is not in {encoding}: pass the file's encoding with --encoding"
        )
        raise ValueError(
            f"{path}, line {line}: byte 0x{data[exc.start]:02x} at column {column} is not valid {name}; {remedy}"
        ) from None
    return text[1:] if text.startswith("\ufeff") else text  # a BOM in another Unicode encoding


def sniff(text: str) -> str:
    """The delimiter among ``DELIMITERS`` that splits the first lines into the same number of fields, the most."""
    sample = text[: 1 << 16]
    if len(text) > len(sample):
        sample = sample[: sample.rfind("\n") + 1] or sample  # whole lines only
    best, best_score = ",", (False, 1)
    for sep in DELIMITERS:
        try:
            counts = [len(row) for row, _ in zip(csv.reader(io.StringIO(sample, newline=""), delimiter=sep), range(50))]
        except csv.Error:
            continue
        counts = [n for n in counts if n]
        if not counts:
            continue
        score = (all(n == counts[0] for n in counts), counts[0])
        if counts[0] > 1 and score > best_score:
            best, best_score = sep, score
    return best


def _reader(text: str, sep: str) -> Any:  # a csv reader (its type is private to the csv module)
    return csv.reader(io.StringIO(text, newline=""), delimiter=sep, skipinitialspace=True)


def parse(path: str, text: str, sep: str) -> tuple[list[str], list[tuple[str, ...]]]:
    """Text -> (header, each column's fields), blank lines skipped; a ragged row or bad quoting named by its line."""
    reader = _reader(text, sep)
    collecting = gc.isenabled()
    gc.disable()  # millions of small lists and tuples: the cyclic collector would scan them again and again
    try:
        rows = [row for row in reader if row]
        n = len(rows[0]) if rows else 0
        ragged = next((i for i, row in enumerate(rows) if len(row) != n), None)
        columns = list(zip(*rows[1:])) if ragged is None else []
    except csv.Error as exc:
        raise ValueError(f"{path}, line {reader.line_num}: cannot be read as a table ({exc})") from None
    finally:
        if collecting:
            gc.enable()
    if not rows:
        raise ValueError(
            f"{path}: cannot be read as a table: the file is empty; expected a header line of column names, then rows"
        )
    if len(rows) == 1:
        raise ValueError(f"{path}: the file has no rows of data (only a header line)")
    if ragged is not None:
        raise ValueError(
            f"{path}, line {line_of(text, sep, ragged - 1)}: {len(rows[ragged])} fields but the header has {n} "
            f"({sep_name(sep)}-separated); check the quoting, or force the delimiter with --sep"
        )
    return rows[0], columns


def line_of(text: str, sep: str, row: int) -> int:
    """The line of the text where data row ``row`` (0-based, after the header) ends."""
    reader, k = _reader(text, sep), -1
    for fields in reader:
        if fields:
            if k == row:
                break
            k += 1
    return int(reader.line_num)


def typed(values: Sequence[str], decimal_comma: bool = False) -> np.ndarray:
    """One column's fields (m,) -> int64, float64 (NaN missing), bool, or object (str / None missing).

    ``decimal_comma``: numbers may be written 1,5 (as in ;-separated files from European locales)."""
    m = len(values)
    text = list(map(str.strip, values))
    if MISSING.isdisjoint(text):  # (a set operation: the common case costs no Python loop)
        missing, present = np.zeros(m, dtype=bool), text
    else:
        missing = np.fromiter((v in MISSING for v in text), dtype=bool, count=m)  # (m,)
        present = [v for v, gone in zip(text, missing) if not gone]
    number = _parsed(float, np.float64, present)
    if number is None and decimal_comma and "." not in "\n".join(present):
        number = _parsed(float, np.float64, [v.replace(",", ".") for v in present])
    if number is not None:
        whole = None if missing.any() or not np.all(number == np.round(number)) else _parsed(int, np.int64, present)
        if whole is not None:  # (none for '1.0', '1e3', or beyond int64)
            return whole
        out = np.full(m, np.nan)
        out[~missing] = number
        return out
    if present and all(v in TRUE or v in FALSE for v in present):
        if not missing.any():
            return np.fromiter((v in TRUE for v in present), dtype=bool, count=m)
        out = np.full(m, None, dtype=object)
        out[~missing] = [v in TRUE for v in present]
        return out
    out = np.empty(m, dtype=object)
    out[:] = text
    out[missing] = None
    return out


def _parsed(cast: type, dtype: type, present: Sequence[str]) -> np.ndarray | None:
    """The present fields as numbers (float or int), or None when one is not one (Python's '1_000' is not, here)."""
    if not present or "_" in "\n".join(present):
        return None
    try:
        return np.fromiter(map(cast, present), dtype=dtype, count=len(present))
    except (ValueError, OverflowError):
        return None


__all__ = ["DELIMITERS", "MISSING", "SEP_NAMES", "decode", "line_of", "parse", "sep_name", "sniff", "typed"]
