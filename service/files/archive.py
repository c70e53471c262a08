"""A zip archive (an XLSX workbook) read within bounds: its directory checked before `zipfile`
parses it, and every part inflated here, a piece at a time, counting what goes in and what
comes out: the file is refused once the bytes given out pass the total allowed, or pass
`max_zip_ratio` times the compressed bytes inflated so far, or pass the size the directory
declares. Sizes in the zip's headers are not trusted for this: only bytes actually inflated
count. No file opening here: the caller passes a seekable binary stream.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import BinaryIO

from service.errors import BadUpload, UploadTooLarge
from service.files.bounds import ReadBounds

#: Parts of a workbook: a few dozen in practice (sheets, styles, themes, relationships).
MAX_PARTS = 10_000
#: Bytes of the zip's central directory (the list of parts, parsed at once by `zipfile`).
MAX_DIRECTORY_BYTES = 4 << 20
#: Bytes a part gives before its ratio is checked: small parts (styles, an empty sheet's
#: padding) compress far better than data, and are harmless.
ZIP_RATIO_GRACE_BYTES = 1 << 20
#: Compressed bytes read at a time.
_INPUT_BYTES = 16 * 1024
_END_OF_DIRECTORY = b"PK\x05\x06"
_LOCAL_SIGNATURE = b"PK\x03\x04"
#: A part's local header: signature, versions, flags, method, time, date, CRC, sizes, then
#: the lengths of its name and extra field (which follow it, before the data).
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
#: The end-of-directory record: 22 bytes, then a comment of up to 65,535.
_END_RECORD = struct.Struct("<4sHHHHIIH")
_COMPRESSIONS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def unreadable(problem: str) -> BadUpload:
    return BadUpload(
        f"the file is not a readable XLSX workbook ({problem}); save it again from the "
        "spreadsheet, or export it as CSV",
        code="unreadable_xlsx",
    )


class Archive:
    """The parts of a zip, each opened as a bounded stream (one at a time)."""

    def __init__(self, stream: BinaryIO, bounds: ReadBounds) -> None:
        _check_directory(stream)
        self.stream = stream
        self.size = stream.seek(0, io.SEEK_END)
        self.bounds = bounds
        self.inflated = 0  # bytes given out by every part read so far
        try:
            self._zip = zipfile.ZipFile(stream)
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
        if info.flag_bits & 0x1:
            raise unreadable(f"part {name} is encrypted")
        return Part(self, info)


class Part:
    """One part of the archive, inflated here (not by `zipfile`) so that every compressed
    byte taken and every byte given is counted, within the archive's bounds."""

    def __init__(self, archive: Archive, info: zipfile.ZipInfo) -> None:
        self.archive = archive
        self.name = info.filename
        self.declared = info.file_size
        self.crc = info.CRC
        stream = archive.stream
        stream.seek(info.header_offset)
        header = stream.read(_LOCAL_HEADER.size)
        if len(header) < _LOCAL_HEADER.size or not header.startswith(_LOCAL_SIGNATURE):
            raise unreadable(f"part {self.name} has no header")
        name_bytes, extra_bytes = _LOCAL_HEADER.unpack(header)[-2:]
        self.offset = info.header_offset + _LOCAL_HEADER.size + name_bytes + extra_bytes
        self.left: int = min(info.compress_size, max(archive.size - self.offset, 0))
        self.compressed_size: int = max(self.left, 1)
        self.inflater = (
            zlib.decompressobj(-zlib.MAX_WBITS)
            if info.compress_type == zipfile.ZIP_DEFLATED
            else None
        )
        self.pending = b""  # compressed bytes read and not yet inflated
        self.taken = 0  # compressed bytes inflated
        self.given = 0
        self.check = 0  # CRC-32 of what was given

    def _raw(self, size: int) -> bytes:
        self.archive.stream.seek(self.offset)
        data = self.archive.stream.read(min(size, self.left))
        if not data and self.left:
            raise unreadable(f"part {self.name} is cut short")
        self.offset += len(data)
        self.left -= len(data)
        return data

    def read(self, size: int) -> bytes:
        """Up to `size` bytes of the part; b"" at its end."""
        while True:
            if self.inflater is None:
                data = self._raw(size)
                self.taken += len(data)
            else:
                if not self.pending and self.left:
                    self.pending = self._raw(_INPUT_BYTES)
                before = len(self.pending)
                try:
                    data = self.inflater.decompress(self.pending, size)
                except zlib.error as exc:
                    raise unreadable(f"part {self.name} does not inflate: {exc}") from None
                self.pending = self.inflater.unconsumed_tail
                self.taken += before - len(self.pending)
                if not data and not self.inflater.eof and (self.pending or self.left):
                    continue  # more input needed for the next byte out
            if data:
                self._count(data)
            elif self.check != self.crc:
                raise unreadable(f"part {self.name} is damaged (its checksum differs)")
            return data

    def _count(self, data: bytes) -> None:
        self.given += len(data)
        self.archive.inflated += len(data)
        self.check = zlib.crc32(data, self.check)
        bounds = self.archive.bounds
        if self.given > self.declared:
            raise unreadable(f"part {self.name} inflates past the size the zip declares")
        if self.archive.inflated > bounds.max_unzipped_bytes:
            raise UploadTooLarge(
                f"the workbook inflates to more than {bounds.max_unzipped_bytes:,} bytes "
                "(SCREENING_UPLOAD_MAX_UNZIPPED_BYTES); export the sheet as CSV",
                code="zip_too_large",
            )
        if self.given > ZIP_RATIO_GRACE_BYTES and self.given > bounds.max_zip_ratio * max(
            self.taken, 1
        ):
            raise UploadTooLarge(
                f"part {self.name} of the workbook inflates more than {bounds.max_zip_ratio} "
                "times (SCREENING_UPLOAD_MAX_ZIP_RATIO): a zip bomb, not a spreadsheet",
                code="zip_too_compressed",
            )

    @property
    def share(self) -> float:
        """About how much of the part is read (for progress only)."""
        return min(self.taken / self.compressed_size, 1.0)

    def close(self) -> None:
        self.pending = b""


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
