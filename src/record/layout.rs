//! Where a record's file lives: `contacts/ada-lovelace.md` (the flat layout, the default) or
//! `contacts/3f/a/ada-lovelace.md` (`layout: sharded` in kith.yaml). The one place that maps a
//! kind and an id to a path and back; the id stays the file's stem whatever the layout.
//!
//! Why shards, and why by hash: git stores a folder as one tree object and rewrites it whole,
//! with every folder above it, on each commit that changes one of its files. A flat folder of
//! 100,000 records is a 3.9 MB tree, so a one-field commit wrote 2.4 MB of objects; folders by
//! first letters are uneven (names are not spread over the alphabet), so their biggest folder
//! grows much as the flat one does (bench/runs/2026-12-07-gitcost.md has the numbers).
//! The id's hash picks two levels of folders, 256 by its first byte and 16 by the next four
//! bits inside each (4,096 per kind): the trees a one-record commit rewrites are 9.6 KB at
//! 100,000 records and 25 KB at 1,000,000, where one level of 256 folders wrote 25 KB and
//! 185 KB (bench/runs/2026-12-07-shards.md). 256 × 256 folders would leave one or two records in
//! each of 65,536 folders at 100,000.
//!
//! The layout is a property of the workspace a process opened, which
//! [`crate::workspace::Workspace::open`] sets once: paths are computed in many pure places
//! (records, plans, the LSP) that never see the workspace, and a kith process works on one
//! workspace.

use crate::record::Kind;
use std::sync::atomic::{AtomicU8, Ordering};

/// How record files are laid out in their kind's folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// `contacts/ada-lovelace.md`: what a team of a few thousand records finds simplest.
    #[default]
    Flat,
    /// `contacts/3f/a/ada-lovelace.md`: 256 folders by the first byte of the id's FNV-1a
    /// hash, each with 16 folders by the next four bits.
    Sharded,
}

impl Layout {
    /// The name kith.yaml's `layout:` and `kith migrate --layout` use.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Flat => "flat",
            Layout::Sharded => "sharded",
        }
    }

    pub fn parse(name: &str) -> Option<Layout> {
        match name {
            "flat" => Some(Layout::Flat),
            "sharded" => Some(Layout::Sharded),
            _ => None,
        }
    }

    /// The folder, relative to the kind's folder, that holds `id`'s file: `""` or `"3f/a/"`.
    pub fn shard(self, id: &str) -> String {
        match self {
            Layout::Flat => String::new(),
            Layout::Sharded => format!("{}/", shard_of(id)),
        }
    }

    /// The record's path relative to the workspace, `/`-separated.
    pub fn rel(self, kind: Kind, id: &str) -> String {
        // Built by hand: a load makes one per record, and `format!` was 2 % of a million's.
        let dir = kind.dir();
        let mut out = String::with_capacity(dir.len() + 6 + id.len() + 3);
        out.push_str(dir);
        out.push('/');
        if self == Layout::Sharded {
            out.extend(shard_bytes(id).map(char::from));
            out.push('/');
        }
        out.push_str(id);
        out.push_str(".md");
        out
    }
}

static CURRENT: AtomicU8 = AtomicU8::new(0);

/// Makes `layout` the one [`current`] returns (the workspace opened sets it).
pub fn set(layout: Layout) {
    CURRENT.store(layout as u8, Ordering::Relaxed);
}

/// The layout of the workspace this process opened (flat before one is opened).
pub fn current() -> Layout {
    match CURRENT.load(Ordering::Relaxed) {
        1 => Layout::Sharded,
        _ => Layout::Flat,
    }
}

/// The record's path relative to the workspace in the current layout.
pub fn rel(kind: Kind, id: &str) -> String {
    current().rel(kind, id)
}

/// The 32-bit FNV-1a hash of an id's bytes (a hash anyone can compute in a few lines of any
/// language; bench/gitcost.py does).
fn fnv1a(id: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in id.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    h
}

/// The two folders of an id's shard, `("3f", "a")`: the hash's top byte as two hex digits,
/// then its next four bits as one.
pub fn shard_parts(id: &str) -> (String, String) {
    let [t0, t1, _, s0] = shard_bytes(id);
    let text = |b: &[u8]| b.iter().copied().map(char::from).collect();
    (text(&[t0, t1]), text(&[s0]))
}

/// The shard of an id as the four bytes of its folder below the kind's, `3f/a`, for lookups
/// that must not allocate.
pub fn shard_bytes(id: &str) -> [u8; 4] {
    let (top, sub) = shard_numbers(id);
    shard_folder(top, sub)
}

/// The folder of the shard numbered `(top, sub)` below the kind's, `3f/a`, as four bytes.
pub fn shard_folder(top: u8, sub: u8) -> [u8; 4] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    [
        HEX[usize::from(top >> 4)],
        HEX[usize::from(top & 0xf)],
        b'/',
        HEX[usize::from(sub & 0xf)],
    ]
}

/// [`shard_parts`] as numbers, `(0x3f, 0xa)`, for lookups that must not allocate.
pub fn shard_numbers(id: &str) -> (u8, u8) {
    let h = fnv1a(id);
    ((h >> 24) as u8, ((h >> 20) & 0xf) as u8)
}

/// The shard of an id, its folder below the kind's: `3f/a`.
pub fn shard_of(id: &str) -> String {
    shard_bytes(id).map(char::from).iter().collect()
}

/// Whether `name` can be a first-level shard folder's name: two lowercase hex digits.
pub fn is_shard_name(name: &str) -> bool {
    name.len() == 2 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Whether `name` can be a second-level shard folder's name (inside a first-level one): one
/// lowercase hex digit.
pub fn is_subshard_name(name: &str) -> bool {
    name.len() == 1 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Whether `rel`, relative to a kind's folder, is a shard folder of either level: `3f` or
/// `3f/a`.
pub fn is_shard_folder(rel: &str) -> bool {
    match rel.split_once('/') {
        Some((top, sub)) => is_shard_name(top) && is_subshard_name(sub),
        None => is_shard_name(rel),
    }
}

/// A record's path in either layout, `contacts/ada.md` or `contacts/3f/a/ada.md` (its own
/// shard only) → (kind, id); git history reads both, since a migration moves every file. A
/// file one level deep (`contacts/3f/ada.md`) or in another shard is none: kith never reads
/// it there (`kith check` reports it, `kith migrate` moves it into place).
pub fn of_path(path: &str) -> Option<(Kind, &str)> {
    let (dir, rest) = path.split_once('/')?;
    let kind = Kind::from_dir(dir)?;
    let (shard, file) = match rest.rsplit_once('/') {
        Some((shard, file)) => (Some(shard), file),
        None => (None, rest),
    };
    let id = file.strip_suffix(".md")?;
    if id.is_empty() || id.starts_with('.') {
        return None;
    }
    match shard {
        Some(s) if s != shard_of(id) => None,
        _ => Some((kind, id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_in_both_layouts() {
        assert_eq!(
            Layout::Flat.rel(Kind::Person, "ada-lovelace"),
            "contacts/ada-lovelace.md"
        );
        let sharded = Layout::Sharded.rel(Kind::Person, "ada-lovelace");
        let (top, sub) = shard_parts("ada-lovelace");
        assert_eq!(sharded, format!("contacts/{top}/{sub}/ada-lovelace.md"));
        assert_eq!(shard_of("ada-lovelace"), format!("{top}/{sub}"));
        assert_eq!(
            shard_bytes("ada-lovelace"),
            shard_of("ada-lovelace").as_bytes()
        );
        assert!(is_shard_name(&top) && is_subshard_name(&sub));
        assert!(is_shard_folder(&top) && is_shard_folder(&shard_of("ada-lovelace")));
        assert!(!is_shard_folder("3f/ab") && !is_shard_folder("3F") && !is_shard_folder("3f/"));
        for path in ["contacts/ada-lovelace.md", sharded.as_str()] {
            assert_eq!(of_path(path), Some((Kind::Person, "ada-lovelace")));
        }
        // Another shard than the id's own, one level only, hidden files and other folders are
        // no records.
        let wrong_top = if top == "00" { "01" } else { "00" };
        let wrong_sub = if sub == "0" { "1" } else { "0" };
        for path in [
            format!("contacts/{wrong_top}/{sub}/ada-lovelace.md"),
            format!("contacts/{top}/{wrong_sub}/ada-lovelace.md"),
            format!("contacts/{top}/ada-lovelace.md"),
            format!("contacts/{top}/{sub}/x/ada-lovelace.md"),
            "contacts/.ada.md".into(),
            "contacts/a/b/ada.md".into(),
            "people/ada.md".into(),
            "contacts/ada.txt".into(),
        ] {
            assert_eq!(of_path(&path), None, "{path}");
        }
    }

    #[test]
    fn the_hash_is_fnv1a() {
        // FNV-1a of "a" is 0xe40c292c; of "" the offset basis 0x811c9dc5.
        assert_eq!(shard_of("a"), "e4/0");
        assert_eq!(shard_of(""), "81/1");
        // bench/gitcost.py's shard(): "%02x/%x/" % (h >> 24, (h >> 20) & 0xF).
        assert_eq!(Layout::Sharded.shard("a"), "e4/0/");
    }

    #[test]
    fn shards_are_even() {
        // 100,000 ids over 4,096 shards: about 24 each.
        let mut counts = vec![0u32; 4096];
        let mut tops = [0u32; 256];
        for i in 0..100_000 {
            let (top, sub) = shard_parts(&format!("person-{i}"));
            let top = usize::from_str_radix(&top, 16).unwrap();
            let sub = usize::from_str_radix(&sub, 16).unwrap();
            counts[top * 16 + sub] += 1;
            tops[top] += 1;
        }
        let (min, max) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
        assert!(*min >= 5 && *max <= 60, "{min}..{max}");
        let (min, max) = (tops.iter().min().unwrap(), tops.iter().max().unwrap());
        assert!(*min > 300 && *max < 500, "{min}..{max}");
    }
}
