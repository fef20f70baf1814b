"""Import of a network's partner directory from a spreadsheet (CSV or XLSX), all or nothing.

The file is read and every row checked before the database is touched: one bad row refuses the
whole file, and the report names every bad row. Partners are matched by name (ignoring case), so
a second import of the same file changes nothing. The column layout is in docs/partner-import.md.
"""

from .columns import COLUMNS, REQUIRED_COLUMNS
from .partners import ImportReport, RowError, can_import_partners, partners_import
from .tables import MAX_BYTES, MAX_ROWS

__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "MAX_ROWS",
    "REQUIRED_COLUMNS",
    "ImportReport",
    "RowError",
    "can_import_partners",
    "partners_import",
]
