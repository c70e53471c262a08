"""A zip archive (an XLSX workbook) read within bounds: its directory checked before it is
parsed, and every part inflated through a counter that refuses the file once the bytes given
out pass the total allowed, or pass `max_zip_ratio` times the compressed bytes read so far.
Sizes in the zip's headers are not trusted for this: only bytes actually read and inflated
count. No file opening here: the caller passes a seekable binary stream.
"""

from __future__ import annotations

import io
import struct
import zipfile
from typing import IO, BinaryIO

from service.batch.bounds import ReadBounds
from service.errors import BadUpload, UploadTooLarge

#: Parts of a workbook: a few dozen in practice (sheets, styles, themes, relationships).
MAX_PARTS = 10_000
#: Bytes of the zip's central directory (the list of parts, parsed at once by `zipfile`).
MAX_DIRECTORY_BYTES = 4 << 20
#: Bytes a part gives before its ratio is checked: small parts (styles, an empty sheet's
#: padding) compress far better than data, and are harmless.
ZIP_RATIO_GRACE_BYTES = 1 << 20
_END_OF_DIRECTORY = b"PK\x05\x06"
#: The end-of-directory record: 22 bytes, then a comment of up to 65,535.
_END_RECORD = struct.Struct("<4sHHHHIIH")
_COMPRESSIONS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def unreadable(problem: str) -> BadUpload:
    return BadUpload(
        f"the file is not a readable XLSX workbook ({problem}); save it again from the "
        "spreadsheet, or export it as CSV",
        code="unreadable_xlsx",
    )


class _CountingFile(io.RawIOBase):
    """The upload, counting the bytes read from it (the compressed bytes of a part)."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.count += len(data)
        return data

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()


class Archive:
    """The parts of a zip, each opened as a bounded stream (one at a time)."""

    def __init__(self, stream: BinaryIO, bounds: ReadBounds) -> None:
        _check_directory(stream)
        self._file = _CountingFile(stream)
        self.bounds = bounds
        self.inflated = 0  # bytes given out by every part read so far
        try:
            self._zip = zipfile.ZipFile(self._file)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise unreadable(f"a broken zip: {exc}") from None
        self.names = frozenset(self._zip.namelist())

    def close(self) -> None:
        self._zip.close()

    def open(self, name: str) -> Part:
        try:
            info = self._zip.getinfo(name)
        except KeyError:
            raise unreadable(f"its part {name} is missing") from None
        if info.compress_type not in _COMPRESSIONS:
            raise unreadable(f"part {name} uses a compression spreadsheets do not write")
        try:
            member = self._zip.open(info)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as exc:
            raise unreadable(f"part {name}: {exc}") from None
        return Part(self, info, member)


class Part:
    """One part of the archive, inflated as it is read, within the archive's bounds."""

    def __init__(self, archive: Archive, info: zipfile.ZipInfo, member: IO[bytes]) -> None:
        self.archive = archive
        self.name = info.filename
        self.compressed_size = info.compress_size
        self.member = member
        self.given = 0
        self.compressed_at_start = archive._file.count

    def read(self, size: int) -> bytes:
        try:
            data = self.member.read(size)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise unreadable(f"part {self.name}: {exc}") from None
        self.given += len(data)
        self.archive.inflated += len(data)
        self._check()
        return data

    @property
    def share(self) -> float:
        """About how much of the part is read (for progress only: the size is the header's)."""
        read = self.archive._file.count - self.compressed_at_start
        return min(read / max(self.compressed_size, 1), 1.0)

    def _check(self) -> None:
        bounds = self.archive.bounds
        if self.archive.inflated > bounds.max_unzipped_bytes:
            raise UploadTooLarge(
                f"the workbook inflates to more than {bounds.max_unzipped_bytes:,} bytes "
                "(SCREENING_UPLOAD_MAX_UNZIPPED_BYTES); export the sheet as CSV",
                code="zip_too_large",
            )
        compressed = self.archive._file.count - self.compressed_at_start
        if self.given > ZIP_RATIO_GRACE_BYTES and self.given > bounds.max_zip_ratio * max(
            compressed, 1
        ):
            raise UploadTooLarge(
                f"part {self.name} of the workbook inflates more than {bounds.max_zip_ratio} "
                "times (SCREENING_UPLOAD_MAX_ZIP_RATIO): a zip bomb, not a spreadsheet",
                code="zip_too_compressed",
            )

    def close(self) -> None:
        self.member.close()


def _check_directory(stream: BinaryIO) -> None:
    """Refuse a directory of too many parts before `zipfile` builds an object per part."""
    size = stream.seek(0, io.SEEK_END)
    tail_start = max(0, size - _END_RECORD.size - 0xFFFF)
    stream.seek(tail_start)
    tail = stream.read()
    stream.seek(0)
    at = tail.rfind(_END_OF_DIRECTORY)
    if at < 0 or len(tail) - at < _END_RECORD.size:
        raise unreadable("no zip directory")
    fields = _END_RECORD.unpack_from(tail, at)
    parts, directory_bytes = fields[4], fields[5]
    if parts > MAX_PARTS or directory_bytes > MAX_DIRECTORY_BYTES:
        raise UploadTooLarge(
            f"the workbook's zip lists {parts:,} parts in {directory_bytes:,} bytes: more "
            f"than a workbook holds (at most {MAX_PARTS:,} parts, "
            f"{MAX_DIRECTORY_BYTES:,} bytes)",
            code="zip_too_many_parts",
        )
