//! Coalescing raw file events into one batch: each path once, sorted by what it is. Only the
//! path is kept, not the event: the watcher reads every path again when the batch is applied,
//! so the last state on disk is what counts (a create, three writes and a rename of the same
//! file are one change).

use super::filter::{Class, classify};
use crate::record::Kind;
use std::collections::BTreeSet;

/// What changed since the last batch.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Record files to read again, by kind and id.
    pub records: BTreeSet<(Kind, String)>,
    /// Record folders to list again (created, removed or renamed as a whole).
    pub folders: BTreeSet<Kind>,
    /// kith.yaml changed.
    pub config: bool,
    /// Report templates that changed.
    pub templates: BTreeSet<String>,
    /// Events were lost (the kernel's queue overflowed): compare everything with the disk.
    pub rescan: bool,
}

impl Batch {
    /// Adds a changed path (workspace-relative, `/`-separated); noise is dropped.
    pub fn add(&mut self, rel: &str, report_out: &str) {
        match classify(rel, report_out) {
            Class::Record(kind, id) => {
                self.records.insert((kind, id));
            }
            Class::Folder(kind) => {
                self.folders.insert(kind);
            }
            Class::Config => self.config = true,
            Class::Template(t) => {
                self.templates.insert(t);
            }
            Class::Ignored => {}
        }
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
            && self.folders.is_empty()
            && !self.config
            && self.templates.is_empty()
            && !self.rescan
    }

    /// How many paths the batch holds.
    pub fn len(&self) -> usize {
        self.records.len() + self.folders.len() + usize::from(self.config) + self.templates.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_each_path_once_and_drops_noise() {
        let mut b = Batch::default();
        // vim: probe file, swap file, backup, then the real file (written twice)
        for p in [
            "contacts/4913",
            "contacts/.ada.md.swp",
            "contacts/ada.md~",
            "contacts/ada.md",
            "contacts/ada.md",
            "contacts/.ada.md.swx",
        ] {
            b.add(p, "public");
        }
        // a rename: both names matter
        b.add("contacts/bob.md", "public");
        b.add("contacts/robert.md", "public");
        b.add("kith.yaml", "public");
        b.add("kith.yaml", "public");
        b.add(".git/index.lock", "public");
        b.add("public/index.html", "public");
        b.add("deals", "public");
        let ids: Vec<&str> = b.records.iter().map(|(_, id)| id.as_str()).collect();
        assert_eq!(ids, ["ada", "bob", "robert"]);
        assert!(b.config);
        assert_eq!(b.folders.iter().copied().collect::<Vec<_>>(), [Kind::Deal]);
        assert_eq!(b.len(), 5);
        assert!(!b.is_empty());
        assert!(Batch::default().is_empty());
    }
}
