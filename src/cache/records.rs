//! `.kith/cache/records.bin`: every record file's stamp, content hash and parsed form.
//!
//! ```text
//! header  magic "KITHRECS", format (u32), config key (u128), entries (u64),
//!         table length (u64), table checksum (u64)
//! table   per record: kind, id, stamp, racy flag, content hash, blob offset, length, checksum
//! blobs   the parsed records (codec), one after another
//! ```
//!
//! The table is read whole and checked against its checksum; the blobs are read whole when a
//! command needs most records, or one by one when it needs a few, and each is checked against
//! its own checksum before it is decoded. A file from another format, another kith.yaml or another kith version, or one that is
//! truncated or altered, is refused and rebuilt.

use super::codec::{Corrupt, Reader, Result, Writer};
use super::stamp::Stamp;
use crate::record::Kind;
use compact_str::CompactString;
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileExt;
use std::path::Path;
use xxhash_rust::xxh3::xxh3_64;

const MAGIC: &[u8; 8] = b"KITHRECS";
const HEADER: usize = 8 + 4 + 16 + 8 + 8 + 8;

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
    blobs_at: u64,
    blobs_len: u64,
}

impl Records {
    /// Opens the cache at `path` if it was written for `key` (format, kith version and
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
        let table_len = r.u64().ok()?;
        let table_checksum = r.u64().ok()?;
        let file_len = file.metadata().ok()?.len();
        let blobs_at = (HEADER as u64).checked_add(table_len)?;
        if blobs_at > file_len || count > table_len {
            return None;
        }
        let mut table = vec![0u8; table_len as usize];
        file.read_exact(&mut table).ok()?;
        if xxh3_64(&table) != table_checksum {
            return None;
        }
        let blobs_len = file_len - blobs_at;
        let entries = read_table(&table, count as usize, blobs_len).ok()?;
        Some(Records {
            entries,
            file,
            blobs_at,
            blobs_len,
        })
    }

    /// Every blob, to take them from with [`blob`].
    pub fn read_blobs(&self) -> Option<Vec<u8>> {
        let mut blobs = vec![0u8; self.blobs_len as usize];
        self.file.read_exact_at(&mut blobs, self.blobs_at).ok()?;
        Some(blobs)
    }

    /// One entry's blob, read on its own and checked.
    pub fn read_blob(&self, e: &Entry) -> Option<Vec<u8>> {
        let mut blob = vec![0u8; e.len as usize];
        self.file
            .read_exact_at(&mut blob, self.blobs_at + e.offset)
            .ok()?;
        (xxh3_64(&blob) == e.check).then_some(blob)
    }
}

/// An entry's blob within every blob ([`Records::read_blobs`]), if its checksum holds.
pub fn blob<'a>(blobs: &'a [u8], e: &Entry) -> Option<&'a [u8]> {
    let blob = blobs.get(e.offset as usize..(e.offset + e.len) as usize)?;
    (xxh3_64(blob) == e.check).then_some(blob)
}

fn read_table(table: &[u8], count: usize, blobs_len: u64) -> Result<Vec<Entry>> {
    let mut r = Reader::new(table);
    let mut entries = Vec::with_capacity(count);
    for _ in 0..count {
        let kind = match r.u8()? {
            0 => Kind::Person,
            1 => Kind::Company,
            2 => Kind::Deal,
            _ => return Err(Corrupt),
        };
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

/// Writes a cache file: entries (offsets into `blobs` filled in by the caller) and the blobs.
/// Written to a temporary file and renamed, so a reader sees the old file or the new one.
pub fn write(path: &Path, key: u128, entries: &[Entry], blobs: &[u8]) -> std::io::Result<()> {
    let mut table = Writer::default();
    for e in entries {
        table.u8(e.kind as u8);
        table.str(&e.id);
        table.u64(e.stamp.size);
        table.i64(e.stamp.mtime);
        table.i64(e.stamp.ctime);
        table.u64(e.stamp.ino);
        table.bool(e.racy);
        table.u128(e.hash);
        table.u64(e.offset);
        table.u64(e.len);
        table.u64(e.check);
    }
    let mut header = Writer::default();
    header.buf.extend_from_slice(MAGIC);
    header.u32(super::FORMAT);
    header.u128(key);
    header.u64(entries.len() as u64);
    header.u64(table.buf.len() as u64);
    header.u64(xxh3_64(&table.buf));
    debug_assert_eq!(header.buf.len(), HEADER);
    super::write_atomic(path, &[&header.buf, &table.buf, blobs])
}
