//! `.kith/cache/results.bin`: what commands computed from one exact state of the workspace,
//! so that running them again on the same files gives the answer without loading them.
//!
//! The state is a key over kith's build, kith.yaml and every record file's path and content
//! hash ([`super::content_key`]): any edit, added or removed file gives another key, and the
//! file's results are ignored (then replaced).
//!
//! - `check`: every diagnostic `kith check` prints, and the number of records;
//! - `derived`: at a date (the last few dates asked for: a report's week ends on another day
//!   than today's list), the segments (name and kind) and each record's score and segment
//!   memberships, in the workspace's record order;
//! - `tally`: how many errors and warnings a load found, for the line other commands print.

use super::codec::{Corrupt, Reader, Result, Writer};
use crate::analysis::score::Score;
use crate::record::Kind;
use crate::record::diag::{Diagnostic, Tally};
use jiff::civil::Date;
use std::path::Path;
use xxhash_rust::xxh3::xxh3_64;

const MAGIC: &[u8; 8] = b"KITHRSLT";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Results {
    pub check: Option<Check>,
    /// Most recent first, at most [`DATES`].
    pub derived: Vec<StoredDerived>,
    pub tally: Option<Tally>,
}

/// How many dates' scores and segments are kept.
pub const DATES: usize = 4;

impl Results {
    /// The scores and segments at `date`, if they are kept.
    pub fn derived_at(self, date: Date) -> Option<StoredDerived> {
        self.derived.into_iter().find(|d| d.as_of == date)
    }

    /// Keeps `d`, first, replacing the same date and forgetting the oldest beyond [`DATES`].
    pub fn keep_derived(&mut self, d: StoredDerived) {
        self.derived.retain(|old| old.as_of != d.as_of);
        self.derived.insert(0, d);
        self.derived.truncate(DATES);
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub diags: Vec<Diagnostic>,
    pub records: usize,
}

/// Scores and segment memberships at one date, packed as the cache stores them (what
/// [`crate::analysis::derive::Derived`] holds unpacked).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDerived {
    pub as_of: Date,
    /// Segment names and the kind each holds, in kith.yaml's order (built-ins first).
    pub segments: Vec<(String, Kind)>,
    /// By record, in the workspace's order: the score, and one bit per segment.
    pub scores: Vec<Option<Score>>,
    pub members: Vec<u8>,
}

impl StoredDerived {
    fn stride(&self) -> usize {
        self.segments.len().div_ceil(8)
    }

    /// Whether record `i` is in segment `s`.
    pub fn is_member(&self, i: usize, s: usize) -> bool {
        self.members[i * self.stride() + s / 8] & (1 << (s % 8)) != 0
    }

    /// The names of the segments the record at `i` is in, in kith.yaml's order.
    pub fn segments_of(&self, i: usize) -> Vec<&str> {
        (0..self.segments.len())
            .filter(|&s| self.is_member(i, s))
            .map(|s| self.segments[s].0.as_str())
            .collect()
    }

    /// The membership bits of one record, packed.
    pub fn pack(bits: impl IntoIterator<Item = bool>, out: &mut Vec<u8>) {
        let start = out.len();
        for (s, bit) in bits.into_iter().enumerate() {
            if s % 8 == 0 {
                out.push(0);
            }
            if bit {
                out[start + s / 8] |= 1 << (s % 8);
            }
        }
    }
}

/// The results stored for `key`, or nothing (missing, another state, or damaged).
pub fn read(path: &Path, key: u128) -> Option<Results> {
    let bytes = std::fs::read(path).ok()?;
    let mut r = Reader::new(&bytes);
    if r.take(8).ok()? != MAGIC || r.u32().ok()? != super::FORMAT || r.u128().ok()? != key {
        return None;
    }
    let checksum = r.u64().ok()?;
    let payload = r.take(bytes.len() - 8 - 4 - 16 - 8).ok()?;
    if xxh3_64(payload) != checksum {
        return None;
    }
    decode(payload).ok()
}

fn decode(payload: &[u8]) -> Result<Results> {
    let mut r = Reader::new(payload);
    let mut out = Results::default();
    if r.bool()? {
        let records = r.u64()? as usize;
        let n = r.len()?;
        let mut diags = Vec::with_capacity(n);
        for _ in 0..n {
            diags.push(r.diagnostic()?);
        }
        out.check = Some(Check { diags, records });
    }
    for _ in 0..r.len()? {
        let as_of = crate::record::activity::parse_date(r.str()?).ok_or(Corrupt)?;
        let n = r.len()?;
        let mut segments = Vec::with_capacity(n);
        for _ in 0..n {
            let name = r.str()?.to_string();
            segments.push((name, r.kind()?));
        }
        let records = r.len()?;
        let mut scores = Vec::with_capacity(records);
        for _ in 0..records {
            scores.push(read_score(&mut r)?);
        }
        let members = r
            .take(records.checked_mul(n.div_ceil(8)).ok_or(Corrupt)?)?
            .to_vec();
        out.derived.push(StoredDerived {
            as_of,
            segments,
            scores,
            members,
        });
    }
    if r.bool()? {
        out.tally = Some(Tally {
            errors: r.u64()? as usize,
            warnings: r.u64()? as usize,
            records: r.u64()? as usize,
        });
    }
    if !r.is_empty() {
        return Err(Corrupt);
    }
    Ok(out)
}

/// Stores results for `key`. Best effort: a cache that cannot be written is only slower.
pub fn write(path: &Path, key: u128, results: &Results) -> std::io::Result<()> {
    let mut w = Writer::default();
    w.bool(results.check.is_some());
    if let Some(c) = &results.check {
        w.u64(c.records as u64);
        w.len(c.diags.len());
        for d in &c.diags {
            w.diagnostic(d);
        }
    }
    w.len(results.derived.len());
    for d in &results.derived {
        w.str(&d.as_of.to_string());
        w.len(d.segments.len());
        for (name, kind) in &d.segments {
            w.str(name);
            w.kind(*kind);
        }
        w.len(d.scores.len());
        for s in &d.scores {
            write_score(&mut w, s);
        }
        w.buf.extend_from_slice(&d.members);
    }
    w.bool(results.tally.is_some());
    if let Some(t) = &results.tally {
        w.u64(t.errors as u64);
        w.u64(t.warnings as u64);
        w.u64(t.records as u64);
    }
    let mut header = Writer::default();
    header.buf.extend_from_slice(MAGIC);
    header.u32(super::FORMAT);
    header.u128(key);
    header.u64(xxh3_64(&w.buf));
    super::write_atomic(path, &[&header.buf, &w.buf])
}

/// A record's score, or its absence.
fn write_score(w: &mut Writer, s: &Option<Score>) {
    match s {
        Some(s) => {
            w.u8(1);
            w.f64(s.fit);
            w.f64(s.engagement);
            w.f64(s.total);
            w.u8(s.grade[0]);
            w.u8(s.grade[1]);
        }
        None => w.u8(0),
    }
}

fn read_score(r: &mut Reader) -> Result<Option<Score>> {
    r.opt(|r| {
        Ok(Score {
            fit: r.f64()?,
            engagement: r.f64()?,
            total: r.f64()?,
            grade: [r.u8()?, r.u8()?],
        })
    })
}
