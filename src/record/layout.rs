//! Where a record's file lives: `contacts/ada-lovelace.md` (the flat layout, the default) or
//! `contacts/3f/ada-lovelace.md` (`layout: sharded` in kith.yaml). The one place that maps a
//! kind and an id to a path and back; the id stays the file's stem whatever the layout.
//!
//! Why shards, and why by hash: git stores a folder as one tree object and rewrites it whole
//! on every commit that changes one of its files. A flat folder of 100,000 records is a 3.9 MB
//! tree, so a one-field commit wrote 2.4 MB of objects. 256 folders chosen by the first byte
//! of the id's hash keep each under 20 KB at 100,000 records; folders by first letters are
//! uneven (names are not spread over the alphabet), so their biggest folder grows much as the
//! flat one does (bench/runs/2026-12-07-gitcost.md has the numbers).
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
    /// `contacts/3f/ada-lovelace.md`: 256 folders by the first byte of the id's FNV-1a hash.
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

    /// The folder, relative to the kind's folder, that holds `id`'s file: `""` or `"3f/"`.
    pub fn shard(self, id: &str) -> String {
        match self {
            Layout::Flat => String::new(),
            Layout::Sharded => format!("{}/", shard_of(id)),
        }
    }

    /// The record's path relative to the workspace, `/`-separated.
    pub fn rel(self, kind: Kind, id: &str) -> String {
        format!("{}/{}{id}.md", kind.dir(), self.shard(id))
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

/// The shard of an id: two hex digits, the top byte of the 32-bit FNV-1a hash of its bytes
/// (a hash anyone can compute in a few lines of any language; bench/gitcost.py does).
pub fn shard_of(id: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in id.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    format!("{:02x}", h >> 24)
}

/// Whether `name` can be a shard folder's name: two lowercase hex digits.
pub fn is_shard_name(name: &str) -> bool {
    name.len() == 2 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A record's path in either layout, `contacts/ada.md` or `contacts/3f/ada.md` (its own shard
/// only) → (kind, id); git history reads both, since a migration moves every file.
pub fn of_path(path: &str) -> Option<(Kind, &str)> {
    let (dir, rest) = path.split_once('/')?;
    let kind = Kind::from_dir(dir)?;
    let (shard, file) = match rest.split_once('/') {
        Some((shard, file)) => (Some(shard), file),
        None => (None, rest),
    };
    let id = file.strip_suffix(".md")?;
    if id.is_empty() || id.contains('/') || id.starts_with('.') {
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
        let shard = shard_of("ada-lovelace");
        assert_eq!(sharded, format!("contacts/{shard}/ada-lovelace.md"));
        assert!(is_shard_name(&shard));
        for path in ["contacts/ada-lovelace.md", sharded.as_str()] {
            assert_eq!(of_path(path), Some((Kind::Person, "ada-lovelace")));
        }
        // Another shard than the id's own, hidden files and deeper folders are no records.
        let wrong = if shard == "00" { "01" } else { "00" };
        for path in [
            format!("contacts/{wrong}/ada-lovelace.md"),
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
        assert_eq!(shard_of("a"), "e4");
        assert_eq!(shard_of(""), "81");
    }

    #[test]
    fn shards_are_even() {
        let mut counts = [0u32; 256];
        for i in 0..100_000 {
            let s = shard_of(&format!("person-{i}"));
            counts[usize::from_str_radix(&s, 16).unwrap()] += 1;
        }
        let (min, max) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
        assert!(*min > 300 && *max < 500, "{min}..{max}");
    }
}
