"""Reading an uploaded spreadsheet (CSV or XLSX) into rows of text, refusing what is not one."""

from __future__ import annotations

import csv
import datetime
import io
import warnings
import zipfile
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# An XLSX is a zip: a small file could unpack to gigabytes, so its parts are measured first.
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024


class FileRefused(Exception):
    """The file as a whole cannot be imported; the message tells the person why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_table(data: bytes, filename: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of every row that is not blank; the first is the header."""
    if not data:
        raise FileRefused(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise FileRefused(
            _("The file is larger than %(limit)s MB.") % {"limit": MAX_BYTES // (1024 * 1024)}
        )
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx":
        rows = _xlsx_rows(data)
    elif extension in ("csv", "txt"):
        rows = _csv_rows(data)
    else:
        raise FileRefused(_("Only CSV and XLSX files can be imported."))
    read = 0
    for row_number, cells in rows:
        if not any(cells):
            continue
        read += 1
        if read > MAX_ROWS + 1:
            raise FileRefused(_("The file has more than %(limit)s partners.") % {"limit": MAX_ROWS})
        yield row_number, cells
    if read == 0:
        raise FileRefused(_("The file is empty."))


def _not_a_spreadsheet() -> FileRefused:
    return FileRefused(_("This is not a CSV or XLSX file: save the spreadsheet as one of those."))


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    if b"\x00" in data:
        raise _not_a_spreadsheet()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # Excel's "CSV" on Windows, before "CSV UTF-8"
        except UnicodeDecodeError:
            raise _not_a_spreadsheet() from None
    header = text.split("\n", 1)[0]
    # Excel in Belgium separates with ";"; the header line tells which separator is used.
    delimiter = max((";", ",", "\t"), key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for row_number, cells in enumerate(reader, start=1):
            yield row_number, [cell.strip() for cell in cells]
    except csv.Error:
        raise FileRefused(
            _("The CSV file is malformed near line %(line)s: check its quotes.")
            % {"line": reader.line_num}
        ) from None


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(part.file_size for part in archive.infolist())
    except zipfile.BadZipFile:
        raise _not_a_spreadsheet() from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise FileRefused(_("The XLSX file is too large once unpacked."))
    from openpyxl import load_workbook  # here: only an import needs it, not every web worker

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it does not read
            # data_only=False: a formula cell keeps its formula, so it can be refused. The XML is
            # parsed by expat, which refuses entity-expansion bombs since its version 2.4.
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        raise FileRefused(_("The XLSX file cannot be read: save it again or as CSV.")) from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # a wrong stored size must not hide rows or columns
        for row_number, cells in enumerate(sheet.iter_rows(), start=1):
            yield row_number, [_xlsx_text(cell) for cell in cells]
    except Exception:
        raise FileRefused(_("The XLSX file cannot be read: save it again or as CSV.")) from None
    finally:
        workbook.close()


def _xlsx_text(cell: Any) -> str:
    value = cell.value
    if cell.data_type == "f":
        # Shown as a formula whatever openpyxl holds (text, or an array formula object).
        return value if isinstance(value, str) else f"={getattr(value, 'text', '')}"
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()
