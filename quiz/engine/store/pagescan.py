"""Reading table rows straight from the pages of a damaged SQLite file.

When SQLite itself cannot walk a table (an interior page overwritten, the schema page
gone, the file cut short), the rows are usually still there, on the table's leaf pages.
`scan_rows` reads the file page by page (and the newest committed copy of each page in the
write-ahead log, when its frames check out), decodes every cell of every table-leaf page,
following overflow chains, and yields each row's rowid and values. It never writes, never
trusts a length without checking it against the page, and skips whatever does not decode;
the caller decides which rows belong to which table by their shape and checks every value.

Pages on the free list are read too: a table dropped by hand leaves its rows there (unless
SQLite zeroed them), and the store's own connections zero what they delete
(`secure_delete`), so an undone answer is not found again. The format is SQLite's documented
file format (https://www.sqlite.org/fileformat2.html).
"""

from __future__ import annotations

import mmap
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

_MAGIC = b"SQLite format 3\x00"
_WAL_MAGICS = (0x377F0682, 0x377F0683)
_TABLE_LEAF = 0x0D
#: never follow more overflow pages than this for one row (a loop in a damaged chain)
_MAX_OVERFLOW_PAGES = 4096


class ScannedRow(NamedTuple):
    """A row found on a table-leaf page."""

    page: int
    rowid: int
    values: tuple[object, ...]


class _Pages:
    """The file's pages, each from the newest valid WAL frame if there is one."""

    def __init__(self, db: bytes | mmap.mmap, wal: bytes | mmap.mmap | None) -> None:
        self.db = db
        header_ok = len(db) >= 100 and db[:16] == _MAGIC
        size = int.from_bytes(db[16:18], "big") if header_ok else 0
        if size == 1:
            size = 65536
        if size < 512 or size & (size - 1):
            size = 4096
        self.page_size = size
        reserved = db[20] if header_ok else 0
        self.usable = size - reserved if size - reserved >= 480 else size
        self.wal = wal
        self.wal_frames: dict[int, int] = self._wal_index(wal) if wal is not None else {}
        count = len(db) // size
        if self.wal_frames:
            count = max(count, max(self.wal_frames))
        self.count = count

    def _wal_index(self, wal: bytes | mmap.mmap) -> dict[int, int]:
        """Page number -> offset of its newest committed frame in the WAL."""
        if len(wal) < 32:
            return {}
        magic, _version, page_size, _seq, salt1, salt2, c1, c2 = struct.unpack(">8I", wal[:32])
        if magic not in _WAL_MAGICS or page_size != self.page_size:
            return {}
        big_endian = magic & 1 == 1
        s1, s2 = _checksum(wal[:24], big_endian, 0, 0)
        if (s1, s2) != (c1, c2):
            return {}
        frame = 24 + page_size
        committed: dict[int, int] = {}
        pending: dict[int, int] = {}
        offset = 32
        while offset + frame <= len(wal):
            page_no, commit_size, f_salt1, f_salt2, f_c1, f_c2 = struct.unpack(
                ">6I", wal[offset : offset + 24]
            )
            if (f_salt1, f_salt2) != (salt1, salt2) or page_no == 0:
                break
            s1, s2 = _checksum(wal[offset : offset + 8], big_endian, s1, s2)
            s1, s2 = _checksum(wal[offset + 24 : offset + frame], big_endian, s1, s2)
            if (s1, s2) != (f_c1, f_c2):
                break
            pending[page_no] = offset + 24
            if commit_size:
                committed.update(pending)
                pending.clear()
            offset += frame
        return committed

    def page(self, number: int) -> bytes:
        """Page `number` (1-based), or b"" if it is not in the file."""
        at = self.wal_frames.get(number)
        if at is not None and self.wal is not None:
            return bytes(self.wal[at : at + self.page_size])
        start = (number - 1) * self.page_size
        data = self.db[start : start + self.page_size]
        return bytes(data) if len(data) == self.page_size else b""


def _checksum(data: bytes, big_endian: bool, s1: int, s2: int) -> tuple[int, int]:
    """SQLite's WAL checksum over `data` (a multiple of 8 bytes), continuing (s1, s2)."""
    n = len(data) // 4
    words = struct.unpack(f"{'>' if big_endian else '<'}{n}I", data[: n * 4])
    for i in range(0, n - 1, 2):
        s1 = (s1 + words[i] + s2) & 0xFFFFFFFF
        s2 = (s2 + words[i + 1] + s1) & 0xFFFFFFFF
    return s1, s2


def _varint(data: bytes, i: int) -> tuple[int, int]:
    """A SQLite varint at `i`: (value, next index). Raises IndexError past the end."""
    value = 0
    for k in range(8):
        b = data[i + k]
        value = (value << 7) | (b & 0x7F)
        if not b & 0x80:
            return value, i + k + 1
    return (value << 8) | data[i + 8], i + 9


def _decode_record(payload: bytes) -> tuple[object, ...]:
    """The values of a record; raises ValueError (or IndexError) if it does not decode."""
    header_size, i = _varint(payload, 0)
    if header_size > len(payload) or header_size < 1:
        raise ValueError("bad record header")
    types = []
    while i < header_size:
        t, i = _varint(payload, i)
        types.append(t)
    if i != header_size:
        raise ValueError("bad record header")
    values: list[object] = []
    at = header_size
    for t in types:
        if t == 0:
            values.append(None)
        elif 1 <= t <= 6:
            n = (1, 2, 3, 4, 6, 8)[t - 1]
            if at + n > len(payload):
                raise ValueError("record cut short")
            values.append(int.from_bytes(payload[at : at + n], "big", signed=True))
            at += n
        elif t == 7:
            if at + 8 > len(payload):
                raise ValueError("record cut short")
            values.append(struct.unpack(">d", payload[at : at + 8])[0])
            at += 8
        elif t in (8, 9):
            values.append(t - 8)
        elif t >= 12:
            n = (t - 12) // 2
            if at + n > len(payload):
                raise ValueError("record cut short")
            raw = payload[at : at + n]
            values.append(raw.decode("utf-8") if t % 2 else bytes(raw))
            at += n
        else:
            raise ValueError("reserved serial type")
    return tuple(values)


def _cell_payload(pages: _Pages, page: bytes, at: int) -> tuple[int, bytes]:
    """(rowid, payload) of the table-leaf cell at offset `at`."""
    size, i = _varint(page, at)
    rowid, i = _varint(page, i)
    if rowid >= 1 << 63:
        rowid -= 1 << 64
    u = pages.usable
    x = u - 35
    if size <= x:
        if i + size > len(page):
            raise ValueError("cell past the page")
        return rowid, page[i : i + size]
    m = ((u - 12) * 32 // 255) - 23
    k = m + ((size - m) % (u - 4))
    local = k if k <= x else m
    if i + local + 4 > len(page):
        raise ValueError("cell past the page")
    parts = [page[i : i + local]]
    have = local
    nxt = int.from_bytes(page[i + local : i + local + 4], "big")
    seen: set[int] = set()
    while have < size:
        if not 0 < nxt <= pages.count or nxt in seen or len(seen) > _MAX_OVERFLOW_PAGES:
            raise ValueError("broken overflow chain")
        seen.add(nxt)
        data = pages.page(nxt)
        if not data:
            raise ValueError("overflow page missing")
        take = min(size - have, u - 4)
        parts.append(data[4 : 4 + take])
        have += take
        nxt = int.from_bytes(data[:4], "big")
    return rowid, b"".join(parts)


def _leaf_rows(pages: _Pages, number: int, page: bytes) -> Iterator[ScannedRow]:
    head = 100 if number == 1 else 0
    if len(page) < head + 8 or page[head] != _TABLE_LEAF:
        return
    cells = int.from_bytes(page[head + 3 : head + 5], "big")
    if head + 8 + 2 * cells > len(page):
        return
    for c in range(cells):
        at = int.from_bytes(page[head + 8 + 2 * c : head + 10 + 2 * c], "big")
        if not head + 8 + 2 * cells <= at < len(page):
            continue
        try:
            rowid, payload = _cell_payload(pages, page, at)
            values = _decode_record(payload)
        except (ValueError, IndexError, UnicodeDecodeError, struct.error):
            continue
        yield ScannedRow(number, rowid, values)


def scan_rows(db_path: Path, wal_path: Path | None = None) -> Iterator[ScannedRow]:
    """Every row on every table-leaf page of the file (and its WAL)."""
    with open(db_path, "rb") as f:
        size = f.seek(0, 2)
        if size == 0:
            return
        db = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    wal: mmap.mmap | None = None
    try:
        if wal_path is not None and wal_path.is_file() and wal_path.stat().st_size > 32:
            with open(wal_path, "rb") as w:
                wal = mmap.mmap(w.fileno(), 0, access=mmap.ACCESS_READ)
        pages = _Pages(db, wal)
        for number in range(1, pages.count + 1):
            page = pages.page(number)
            if page:
                yield from _leaf_rows(pages, number, page)
    finally:
        db.close()
        if wal is not None:
            wal.close()
