"""How much of a supplier file is read at most: rows, characters of a row or cell, columns,
and for XLSX the bytes inflated from the zip and the shared strings held. Each bound is a
setting (`Settings.read_bounds`; the batch jobs section says why each value); files past one
are refused with `UploadTooLarge` (HTTP 413) or, for one row, reported on that row. Pure: no
I/O, nothing of the service imported.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Characters of a column label kept (a header cell longer than this is cut): labels are
#: echoed in every job status.
LABEL_CHARS = 100


@dataclass(frozen=True, slots=True)
class ReadBounds:
    #: Rows read from one file (blank rows count): past it the file is refused.
    max_rows: int = 5_000_000
    #: Characters of one CSV record or JSON line (a row past it is reported, not read).
    max_row_chars: int = 131_072
    #: Characters of one XLSX cell (a row holding a longer one is reported, not read).
    max_cell_chars: int = 32_767
    #: Columns kept per row, and labels kept of the header; cells further right are dropped.
    max_columns: int = 1_024
    #: Bytes inflated from an XLSX zip in all (every part read), counted while inflating.
    max_unzipped_bytes: int = 1 << 30
    #: Bytes inflated per compressed byte read, once a part has given `ZIP_RATIO_GRACE_BYTES`.
    max_zip_ratio: int = 100
    #: Strings of an XLSX shared-strings table, and their UTF-8 bytes in all.
    max_shared_strings: int = 2_000_000
    max_shared_string_bytes: int = 64 << 20
