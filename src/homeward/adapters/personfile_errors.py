"""Why a whole person file is refused: the error and its message templates (msgids).

The messages name what was detected and what to do; web/locale/*/messages.po translate
every template in FILE_MESSAGES.
"""

from __future__ import annotations

from pathlib import Path

UNSUPPORTED = "unsupported file type %(suffix)s; use %(allowed)s"
UNKNOWN_ENCODING = "%(encoding)s is not an encoding homeward reads; use one of %(allowed)s"
ENCODING_CSV_ONLY = "an encoding can be chosen for CSV files only"
UTF16_BOM = (
    "the file is %(encoding)s (it starts with a byte-order mark); save it as UTF-8 "
    "or import it with --encoding %(encoding)s"
)
UTF16_NO_BOM = (
    "the file looks like %(encoding)s without a byte-order mark; save it as UTF-8 "
    "or import it with --encoding %(encoding)s"
)
LEGACY = (
    "%(bad)s of %(lines)s lines are not valid UTF-8; the file looks like %(encoding)s. "
    "Save it as UTF-8 or import it with --encoding %(encoding)s"
)
NOT_CSV = "this is %(kind)s, not a CSV file"
KIND_ZIP = "a ZIP archive (perhaps an XLSX workbook)"
KIND_PDF = "a PDF document"
KIND_OLE = "an old Excel (.xls) or Word document"
KIND_BINARY = "binary data"
NO_HEADER = "no header row"
NO_KNOWN_COLUMN = (
    "the first line names none of the person-file columns (record_id, surname, "
    "given_name); it reads: %(raw)s"
)
HEADER_DAMAGED = "the header line is not valid %(encoding)s: %(raw)s"
DUPLICATE_COLUMN = "column %(column)s appears twice in the header"
XLSX_NOT_WORKBOOK = "not an XLSX workbook: %(detail)s"
XLSX_NOT_ZIP = "the file is not a ZIP archive"
XLSX_NO_WORKBOOK_PART = "the archive holds no xl/workbook.xml"
XLSX_TOO_MANY_PARTS = "the archive holds more than %(limit)s parts"
XLSX_TOO_BIG = (
    "part %(part)s unpacks to %(size)s bytes, more than the %(limit)s allowed; "
    "the file may be a zip bomb"
)
XLSX_RATIO = (
    "part %(part)s unpacks %(ratio)s times larger than it is stored; the file may be a zip bomb"
)
XLSX_TOO_MANY_CELLS = "the first sheet has more than %(limit)s cells"
XLSX_OTHER_SHEETS = (
    "the workbook has data on sheet %(sheets)s besides the first; homeward reads only the "
    "first sheet: put one registry in each file"
)
XLSX_DATA_ELSEWHERE = (
    "the first sheet is empty and the data is on sheet %(sheets)s; move it to the first sheet"
)
JSON_EXPECTED = "not valid JSON: expected %(what)s, found %(found)s"
JSON_LIST = "a list of objects"
JSON_VALUE_OR_END = "a value or ]"
JSON_COMMA_OR_END = "',' or ']'"
JSON_ENDS_INSIDE = "not valid JSON: the file ends inside the list"
JSON_INVALID = "not valid JSON: %(detail)s"
JSON_AFTER = "not valid JSON: data after the list"
JSON_NOT_UTF8 = "not valid UTF-8 (%(detail)s); save it as UTF-8"
JSON_TOO_DEEP = "JSON nested deeper than %(limit)s levels"
JSON_CONSTANT = "%(value)s is not a JSON value (NaN and Infinity are not allowed)"
JSON_NOT_OBJECTS = "the list's first item is not an object: a person file is a list of objects"

FILE_MESSAGES = (
    UNSUPPORTED,
    UNKNOWN_ENCODING,
    ENCODING_CSV_ONLY,
    UTF16_BOM,
    UTF16_NO_BOM,
    LEGACY,
    NOT_CSV,
    KIND_ZIP,
    KIND_PDF,
    KIND_OLE,
    KIND_BINARY,
    NO_HEADER,
    NO_KNOWN_COLUMN,
    HEADER_DAMAGED,
    DUPLICATE_COLUMN,
    XLSX_NOT_WORKBOOK,
    XLSX_NOT_ZIP,
    XLSX_NO_WORKBOOK_PART,
    XLSX_TOO_MANY_PARTS,
    XLSX_TOO_BIG,
    XLSX_RATIO,
    XLSX_TOO_MANY_CELLS,
    XLSX_OTHER_SHEETS,
    XLSX_DATA_ELSEWHERE,
    JSON_EXPECTED,
    JSON_LIST,
    JSON_VALUE_OR_END,
    JSON_COMMA_OR_END,
    JSON_ENDS_INSIDE,
    JSON_INVALID,
    JSON_AFTER,
    JSON_NOT_UTF8,
    JSON_TOO_DEEP,
    JSON_CONSTANT,
    JSON_NOT_OBJECTS,
)


class PersonFileError(Exception):
    """The file as a whole cannot be read; the message names the file and the place.

    ``template`` and ``values`` let a page show the reason in the reader's language;
    ``reason`` is the English text.
    """

    def __init__(self, path: Path, line: int | None, template: str, **values: object) -> None:
        self.path = path
        self.line = line
        self.template = template
        self.values = {k: str(v) for k, v in values.items()}
        self.reason = template % self.values if self.values else template
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {self.reason}")
