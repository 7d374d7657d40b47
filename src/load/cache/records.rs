//! `.kith/cache/records.bin`: every record file's stamp, content hash and parsed form.
//!
//! ```text
//! header  magic "KITHRECS", format (u32), config key (u128), entries (u64),
//!         table offset (u64), table length (u64), table checksum (u64)
//! blobs   the parsed records (codec), one after another, in the table's order
//! table   per record: kind, id, stamp, racy flag, content hash, blob offset, length, checksum
//! ```
//!
//! The table comes last so the file can be written in one pass without holding every blob in
//! memory. It is read whole and checked against its checksum; blobs are read a run of
//! neighbours at a time, or one by one, and each is checked against its own checksum before
//! it is decoded. A file from another format, another kith.yaml or another kith version, or one that is
//! truncated or altered, is refused and rebuilt.

use super::codec::{Corrupt, Reader, Result};
use crate::record::Kind;
use crate::util::stamp::Stamp;
use compact_str::CompactString;
use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;
use xxhash_rust::xxh3::xxh3_64;

const MAGIC: &[u8; 8] = b"KITHRECS";
const HEADER: usize = 8 + 4 + 16 + 8 + 8 + 8 + 8;

/// One record file as the cache knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub kind: Kind,
    pub id: CompactString,
    pub stamp: Stamp,
    /// Written within the file system's timestamp resolution of the moment kith looked at it:
    /// an edit in the same tick would leave the stamp as it is, so the content hash decides.
    pub racy: bool,
    /// xxh3-128 of the file's bytes.
    pub hash: u128,
    /// Where its encoded form is, relative to the start of the blobs.
    pub offset: u64,
    pub len: u64,
    /// xxh3-64 of the blob.
    pub check: u64,
}

/// An open cache file: its table, and the file to read blobs from.
pub struct Records {
    pub entries: Vec<Entry>,
    file: File,
}

/// Blobs of neighbouring entries, read at once.
pub struct Region {
    start: u64,
    bytes: Vec<u8>,
}

impl Region {
    /// An entry's blob, if it is in the region and its checksum holds.
    pub fn blob(&self, e: &Entry) -> Option<&[u8]> {
        let from = usize::try_from(e.offset.checked_sub(self.start)?).ok()?;
        let blob = self.bytes.get(from..from.checked_add(e.len as usize)?)?;
        (xxh3_64(blob) == e.check).then_some(blob)
    }
}

impl Records {
    /// Opens the cache at `path` if it was written for `key` (format, kith build and
    /// kith.yaml). `None` when it is missing, from elsewhere, or damaged.
    pub fn open(path: &Path, key: u128) -> Option<Records> {
        let mut file = File::open(path).ok()?;
        let mut header = [0u8; HEADER];
        file.read_exact(&mut header).ok()?;
        let mut r = Reader::new(&header);
        if r.take(8).ok()? != MAGIC || r.u32().ok()? != super::FORMAT || r.u128().ok()? != key {
            return None;
        }
        let count = r.u64().ok()?;
        let table_at = r.u64().ok()?;
        let table_len = r.u64().ok()?;
        let table_checksum = r.u64().ok()?;
        let file_len = file.metadata().ok()?.len();
        if table_at < HEADER as u64
            || table_at.checked_add(table_len)? != file_len
            || count > table_len
        {
            return None;
        }
        let mut table = vec![0u8; table_len as usize];
        file.read_exact_at(&mut table, table_at).ok()?;
        if xxh3_64(&table) != table_checksum {
            return None;
        }
        let entries = read_table(&table, count as usize, table_at - HEADER as u64).ok()?;
        Some(Records { entries, file })
    }

    /// The cache file's own stamp: a command that vouched for it names it so.
    pub fn stamp(&self) -> Option<Stamp> {
        self.file.metadata().ok().map(|m| Stamp::of(&m))
    }

    /// The blobs of `entries` (neighbours in the table), in one read.
    pub fn region<'a>(&self, entries: impl Iterator<Item = &'a Entry>) -> Option<Region> {
        let (mut start, mut end) = (u64::MAX, 0);
        for e in entries {
            start = start.min(e.offset);
            end = end.max(e.offset + e.len);
        }
        if start >= end {
            return None;
        }
        let mut bytes = vec![0u8; (end - start) as usize];
        self.file
            .read_exact_at(&mut bytes, HEADER as u64 + start)
            .ok()?;
        Some(Region { start, bytes })
    }

    /// One entry's blob, read on its own and checked.
    pub fn read_blob(&self, e: &Entry) -> Option<Vec<u8>> {
        let region = self.region(std::iter::once(e))?;
        region.blob(e).map(<[u8]>::to_vec)
    }
}

fn read_table(table: &[u8], count: usize, blobs_len: u64) -> Result<Vec<Entry>> {
    let mut r = Reader::new(table);
    let mut entries = Vec::with_capacity(count);
    for _ in 0..count {
        let kind = r.kind()?;
        let id = CompactString::from(r.str()?);
        let stamp = Stamp {
            size: r.u64()?,
            mtime: r.i64()?,
            ctime: r.i64()?,
            ino: r.u64()?,
        };
        let racy = r.bool()?;
        let hash = r.u128()?;
        let offset = r.u64()?;
        let len = r.u64()?;
        let check = r.u64()?;
        if offset.checked_add(len).is_none_or(|end| end > blobs_len) {
            return Err(Corrupt);
        }
        entries.push(Entry {
            kind,
            id,
            stamp,
            racy,
            hash,
            offset,
            len,
            check,
        });
    }
    if !r.is_empty() {
        return Err(Corrupt);
    }
    Ok(entries)
}

/// Writes a cache file in one pass: blobs as they come, then the table, then the header.
/// Into a temporary file, renamed into place by [`Writer::finish`], so a reader sees the old
/// file or the new one.
pub struct Writer {
    out: std::io::BufWriter<tempfile::NamedTempFile>,
    /// The table, encoded as entries come (not kept as [`Entry`] values: at 100,000 files
    /// those and their encoding at the end held 20 MB more at once).
    table: super::codec::Writer,
    count: u64,
    offset: u64,
}

impl Writer {
    /// A writer for about `expected` entries.
    pub fn create(path: &Path, expected: usize) -> std::io::Result<Writer> {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, super::temp_file(path)?);
        out.write_all(&[0u8; HEADER])?;
        let mut table = super::codec::Writer::default();
        table.buf.reserve(expected * 96);
        Ok(Writer {
            out,
            table,
            count: 0,
            offset: 0,
        })
    }

    /// Adds an entry (its offset, length and checksum are the blob's).
    pub fn push(&mut self, e: &Entry, blob: &[u8]) -> std::io::Result<()> {
        self.out.write_all(blob)?;
        let table = &mut self.table;
        table.kind(e.kind);
        table.str(&e.id);
        table.u64(e.stamp.size);
        table.i64(e.stamp.mtime);
        table.i64(e.stamp.ctime);
        table.u64(e.stamp.ino);
        table.bool(e.racy);
        table.u128(e.hash);
        table.u64(self.offset);
        table.u64(blob.len() as u64);
        table.u64(xxh3_64(blob));
        self.offset += blob.len() as u64;
        self.count += 1;
        Ok(())
    }

    /// Writes the table and the header and renames the file into place; returns its stamp
    /// there.
    pub fn finish(self, path: &Path, key: u128) -> std::io::Result<Stamp> {
        let table = self.table;
        let mut out = self.out;
        out.write_all(&table.buf)?;
        let mut header = super::codec::Writer::default();
        header.buf.extend_from_slice(MAGIC);
        header.u32(super::FORMAT);
        header.u128(key);
        header.u64(self.count);
        header.u64(HEADER as u64 + self.offset);
        header.u64(table.buf.len() as u64);
        header.u64(xxh3_64(&table.buf));
        debug_assert_eq!(header.buf.len(), HEADER);
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.as_file().write_all_at(&header.buf, 0)?;
        let file = file.persist(path).map_err(|e| e.error)?;
        Ok(Stamp::of(&file.metadata()?))
    }
}
